-- tests/lsp/nvim_test.lua - Neovim's built-in LSP client attached to
-- `nnlint lsp`, end to end: the diagnostics of a bad model as Neovim holds
-- them (code, line, column, severity, message), the hover, and a disable
-- comment code action applied through Neovim's own workspace edit, after
-- which the finding must be gone; then the client stops the server, which
-- must exit with status 0.
--
--   NNLINT_BIN=build/nnlint nvim --headless --clean -n -u NONE \
--     -c 'luafile tests/lsp/nvim_test.lua' bad.yaml
--
-- The buffer must hold a model whose last layer (line 3) ends in
-- `activation: relu`.  Prints "NVIM-LSP ok ..." on success, else
-- "NVIM-LSP FAIL ..." and exits non-zero.  Works with Neovim 0.7 and later
-- (vim.lsp.start where it exists, else start_client + buf_attach_client).

local function say(s) io.stdout:write(s .. '\n') end
local function die(s)
  say('NVIM-LSP FAIL ' .. s)
  vim.cmd('cquit 1')
end

local bin = os.getenv('NNLINT_BIN')
if not bin or bin == '' then die('NNLINT_BIN is not set') end
local buf = vim.api.nvim_get_current_buf()
local exit_code = nil
local cfg = {
  name = 'nnlint',
  cmd = { bin, 'lsp' },
  root_dir = vim.fn.getcwd(),
  on_exit = function(code) exit_code = code end,
}
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(cfg, { bufnr = buf })
else
  client_id = vim.lsp.start_client(cfg)
  if client_id then vim.lsp.buf_attach_client(buf, client_id) end
end
if not client_id then die('the client did not start') end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end
local function find(code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if code_of(d) == code then return d end
  end
  return nil
end

if not vim.wait(20000, function() return find('NN007') ~= nil end, 20) then
  die('no NN007 diagnostic arrived: ' .. vim.inspect(vim.diagnostic.get(buf)))
end
local d = find('NN007')
local line = vim.api.nvim_buf_get_lines(buf, 2, 3, false)[1] or ''
local col = select(1, line:find('relu', 1, true))
if d.lnum ~= 2 or col == nil or d.col ~= col - 1 then
  die(string.format('NN007 at %d:%d, want 2:%s', d.lnum, d.col, tostring(col and col - 1)))
end
if d.severity ~= vim.diagnostic.severity.ERROR then die('severity ' .. tostring(d.severity)) end
if not d.message:find('relu', 1, true) then die('message ' .. d.message) end
if d.source ~= 'nnlint' then die('source ' .. tostring(d.source)) end

-- hover on the finding
local pos = { line = d.lnum, character = d.col + 1 }
local uri = vim.uri_from_bufnr(buf)
local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
  { textDocument = { uri = uri }, position = pos }, 10000)
local hover = res and res[client_id] and res[client_id].result
local want = os.getenv('NNLINT_EXPLAIN') or 'NN007 output-activation'
if not hover or not hover.contents.value:find(want, 1, true) then
  die('hover: ' .. vim.inspect(res))
end

-- the disable-line code action, applied by Neovim
local range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col } }
res = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
  textDocument = { uri = uri }, range = range,
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, d.lnum) },
}, 10000)
local actions = res and res[client_id] and res[client_id].result or {}
local act
for _, a in ipairs(actions) do
  if a.edit and a.title:find('this line', 1, true) then act = a end
end
if not act then die('no disable-line action: ' .. vim.inspect(actions)) end
vim.lsp.util.apply_workspace_edit(act.edit, 'utf-16')
if not vim.wait(20000, function() return find('NN007') == nil end, 20) then
  die('NN007 still reported after the edit: ' .. table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n'))
end
for _, x in ipairs(vim.diagnostic.get(buf)) do
  if code_of(x) == 'NN101' or code_of(x) == 'NN100' then die('the comment is reported: ' .. x.message) end
end

vim.lsp.stop_client(client_id)
if not vim.wait(10000, function() return exit_code ~= nil end, 20) then die('the server did not exit') end
if exit_code ~= 0 then die('the server exited with ' .. tostring(exit_code)) end
say(string.format('NVIM-LSP ok NN007 at %d:%d, hover, disable comment applied, exit 0', d.lnum, d.col))
vim.cmd('qall!')
