// tests/lsp/driver.js - drives `nnlint lsp` through whole sessions with the
// vscode-jsonrpc framing (the library VS Code's own clients use) and checks
// every answer: initialize, watcher registration, open, change, save, code
// actions applied and re-linted, hover, broken text, malformed and oversized
// messages, .nnlint.yaml changes, binary ONNX, close, shutdown and exit, and
// the server's JSON reader on valid and malformed bodies.
//
//   node driver.js NNLINT WORKDIR     (LSP_MODULES: the node_modules folder)
//
// Prints one line per check, "ok NAME" or "FAIL NAME: DETAIL", for
// tests/suite_lsp_server.sh; exits 0 once every session has run.
'use strict';
const path = require('path');
const fs = require('fs');
const cp = require('child_process');
const { pathToFileURL } = require('url');
const rpc = require(path.join(process.env.LSP_MODULES, 'vscode-jsonrpc/node'));

const NNLINT = path.resolve(process.argv[2]);
const WORK = path.resolve(process.argv[3]);
const ROOT = path.resolve(__dirname, '../..');
const TIMEOUT = 15000;

function ok(name) { console.log('ok ' + name); }
function fail(name, detail) { console.log('FAIL ' + name + ': ' + String(detail).replace(/\n/g, '\\n').slice(0, 1500)); }
function check(name, cond, detail) { cond ? ok(name) : fail(name, detail === undefined ? 'false' : detail); return !!cond; }
function j(x) { return JSON.stringify(x); }
function uriOf(p) { return pathToFileURL(p).href; }

// One server process and the messages it sent, in order.
class Session {
  constructor(args, env) {
    this.proc = cp.spawn(NNLINT, ['lsp'].concat(args || []), { stdio: ['pipe', 'pipe', 'pipe'], env: Object.assign({}, process.env, env || {}) });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    this.reader = new rpc.StreamMessageReader(this.proc.stdout);
    this.writer = new rpc.StreamMessageWriter(this.proc.stdin);
    this.inbox = [];
    this.waiters = [];
    this.nextId = 1;
    this.readerErrors = [];
    this.reader.onError((e) => this.readerErrors.push(String(e)));
    this.reader.listen((m) => { this.inbox.push(m); this.poke(); });
    this.exited = new Promise((res) => this.proc.on('exit', (code, sig) => { this.code = code; this.signal = sig; this.poke(); res(code); }));
    this.proc.stdin.on('error', () => {});
  }
  poke() { for (const w of this.waiters.slice()) w(); }
  // The first message (in arrival order) that pred accepts, removed from the inbox.
  take(pred, what) {
    return new Promise((resolve, reject) => {
      const tryIt = () => {
        const i = this.inbox.findIndex(pred);
        if (i >= 0) { const m = this.inbox.splice(i, 1)[0]; done(); resolve(m); return true; }
        if (this.code !== undefined) { done(); reject(new Error('server exited (' + this.code + ') waiting for ' + what + '; stderr: ' + this.stderr.slice(-500))); return true; }
        return false;
      };
      const timer = setTimeout(() => { done(); reject(new Error('timeout waiting for ' + what)); }, TIMEOUT);
      const done = () => { clearTimeout(timer); this.waiters = this.waiters.filter((w) => w !== tryIt); };
      if (!tryIt()) this.waiters.push(tryIt);
    });
  }
  request(method, params) {
    const id = this.nextId++;
    this.writer.write({ jsonrpc: '2.0', id, method, params });
    return this.take((m) => m.id === id && m.method === undefined, method + ' response');
  }
  notify(method, params) { return this.writer.write({ jsonrpc: '2.0', method, params }); }
  raw(bytes) { return new Promise((res) => this.proc.stdin.write(bytes, res)); }
  diagnostics(uri) {
    return this.take((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri, 'diagnostics of ' + uri).then((m) => m.params);
  }
  async init(caps) {
    const r = await this.request('initialize', { processId: process.pid, rootUri: uriOf(WORK), capabilities: caps || {} });
    this.notify('initialized', {});
    return r;
  }
  async close() {
    await this.request('shutdown', null);
    await this.notify('exit');
    this.proc.stdin.end();
    return this.exited;
  }
  kill() { try { this.proc.kill('SIGKILL'); } catch (e) { /* gone */ } }
}

// ---- text helpers: LSP positions are UTF-16 units, as JS strings count ----
function offsetOf(text, pos) {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < pos.line && i < lines.length; i++) off += lines[i].length + 1;
  return off + Math.min(pos.character, (lines[pos.line] || '').length);
}
function applyEdits(text, edits) {
  const sorted = edits.slice().sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  for (const e of sorted) text = text.slice(0, offsetOf(text, e.range.start)) + e.newText + text.slice(offsetOf(text, e.range.end));
  return text;
}
function editOf(action, uri) { return action.edit && action.edit.changes && action.edit.changes[uri]; }
function codes(diags) { return diags.map((d) => d.code).sort(); }
function count(list, x) { return list.filter((y) => y === x).length; }
function strip(diags) { return diags.map((d) => { const c = Object.assign({}, d); delete c.data; return c; }); }

// What the command line says for text saved as file (--format lsp), or
// with extra arguments.
function cliLsp(file, text) {
  if (text !== undefined) fs.writeFileSync(file, text);
  const r = cp.spawnSync(NNLINT, ['--format', 'lsp', file], { encoding: 'utf8' });
  const all = JSON.parse(r.stdout || '{}');
  const vals = Object.values(all);
  return vals.length ? vals[0] : [];
}

// The YAML model: non-ASCII (BMP and astral) before the finding on its line.
const BAD = 'name: "r\u00e9seau \u{1F600}"\nlayers:\n  - {name: "\u{1F600}\u{1D11E}\u00e9", type: Dense, units: 8, activation: relu}\n  - {name: "\u{1F600}", type: Dense, units: 1, activation: relu}\n';
const GOOD = BAD.replace(/units: 1, activation: relu/, 'units: 1');

async function mainSession() {
  const proj = path.join(WORK, 'proj');
  fs.mkdirSync(proj, { recursive: true });
  const file = path.join(proj, 'model.yaml');
  fs.writeFileSync(file, GOOD); // on disk: clean; in the editor: BAD
  const uri = uriOf(file);
  const s = new Session();
  try {
    const init = await s.init({ workspace: { didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } });
    const caps = init.result && init.result.capabilities;
    check('initialize: incremental text sync, open/close', caps && caps.textDocumentSync && caps.textDocumentSync.change === 2 && caps.textDocumentSync.openClose === true, j(caps));
    check('initialize: code actions (quickfix) and hover', caps && caps.codeActionProvider && j(caps.codeActionProvider.codeActionKinds) === '["quickfix"]' && caps.hoverProvider === true, j(caps));
    const reg = await s.take((m) => m.method === 'client/registerCapability', 'registerCapability');
    const w = reg.params.registrations[0];
    check('initialized: the .nnlint.yaml watcher is registered', w.method === 'workspace/didChangeWatchedFiles' && w.registerOptions.watchers[0].globPattern === '**/.nnlint.yaml', j(reg));
    s.writer.write({ jsonrpc: '2.0', id: reg.id, result: null });

    // open: the in-memory text is linted, not the file
    s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: BAD } });
    let p = await s.diagnostics(uri);
    const d7 = p.diagnostics.find((d) => d.code === 'NN007');
    check('didOpen: the editor text is linted (not the file on disk)', d7 && p.version === 1, j(p));
    const lastLine = BAD.split('\n')[3];
    const ch = lastLine.lastIndexOf('relu');
    check('didOpen: 0-based line, UTF-16 character after astral characters', d7 && d7.range.start.line === 3 && d7.range.start.character === ch && d7.range.end.character === ch + 4 && ch !== [...lastLine.slice(0, ch)].length, j(d7 && d7.range) + ' want 3:' + ch);
    check('didOpen: severity, code, codeDescription, source, message', d7 && d7.severity === 1 && /^https:\/\/.*#nn007/.test(d7.codeDescription.href) && d7.source === 'nnlint' && /relu/.test(d7.message), j(d7));
    const cli = cliLsp(path.join(proj, 'cli-copy.yaml'), BAD);
    check('didOpen: the same diagnostics as nnlint --format lsp', j(strip(p.diagnostics)) === j(cli), j(strip(p.diagnostics)) + ' vs ' + j(cli));

    // change: fixed, then bad again
    s.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: GOOD }] });
    p = await s.diagnostics(uri);
    check('didChange: re-linted, the finding is gone', p.version === 2 && !p.diagnostics.some((d) => d.code === 'NN007'), j(p));
    s.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: BAD }] });
    p = await s.diagnostics(uri);
    check('didChange: re-linted, the finding is back', p.version === 3 && p.diagnostics.some((d) => d.code === 'NN007'), j(p));
    // an incremental change (clients may send them): drop ", activation: relu" of the last layer
    const from = BAD.lastIndexOf(', activation: relu');
    const startLine = 3, startCh = from - BAD.lastIndexOf('\n', from) - 1;
    s.notify('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ range: { start: { line: startLine, character: startCh }, end: { line: startLine, character: startCh + 18 } }, text: '' }] });
    p = await s.diagnostics(uri);
    check('didChange: a ranged change is applied in UTF-16 units', !p.diagnostics.some((d) => d.code === 'NN007') && !p.diagnostics.some((d) => d.code === 'NN000'), j(p));
    s.notify('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text: BAD }] });
    p = await s.diagnostics(uri);
    const diag = p.diagnostics.find((d) => d.code === 'NN007');

    // save: lints the editor text again
    s.notify('textDocument/didSave', { textDocument: { uri } });
    p = await s.diagnostics(uri);
    check('didSave: diagnostics published again', p.diagnostics.some((d) => d.code === 'NN007'), j(p));

    // code actions
    let r = await s.request('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
    const acts = r.result || [];
    const fixAct = acts.find((a) => a.title.includes(diag.data.fix));
    check('codeAction: the rule fix, as a quickfix for the diagnostic', fixAct && fixAct.kind === 'quickfix' && fixAct.diagnostics[0].code === 'NN007' && /^NN007 fix: use no activation/.test(fixAct.title), j(acts));
    const lineAct = acts.find((a) => /this line/.test(a.title));
    const fileAct = acts.find((a) => /this file/.test(a.title));
    check('codeAction: disable comments for the line and the file', lineAct && fileAct && editOf(lineAct, uri) && editOf(fileAct, uri) && lineAct.kind === 'quickfix', j(acts));
    for (const [name, act] of [['line', lineAct], ['file', fileAct]]) {
      if (!act || !editOf(act, uri)) continue;
      const edited = applyEdits(BAD, editOf(act, uri));
      s.notify('textDocument/didChange', { textDocument: { uri, version: 10 }, contentChanges: [{ text: edited }] });
      p = await s.diagnostics(uri);
      const cs = codes(p.diagnostics);
      check('codeAction: applying the disable-' + name + ' edit and re-linting removes the finding', !cs.includes('NN007') && !cs.includes('NN100') && !cs.includes('NN101') && cs.length === codes(cli).length - 1 && edited.includes('# nnlint: disable'), j(cs) + '\n' + edited);
    }
    s.notify('textDocument/didChange', { textDocument: { uri, version: 11 }, contentChanges: [{ text: BAD }] });
    await s.diagnostics(uri);
    r = await s.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, context: { diagnostics: [] } });
    check('codeAction: none where there is no diagnostic', Array.isArray(r.result) && r.result.length === 0, j(r));
    r = await s.request('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag], only: ['refactor'] } });
    check('codeAction: none when only other kinds are asked for', Array.isArray(r.result) && r.result.length === 0, j(r));

    // hover
    r = await s.request('textDocument/hover', { textDocument: { uri }, position: { line: diag.range.start.line, character: diag.range.start.character + 1 } });
    const explain = cp.spawnSync(NNLINT, ['--explain', 'NN007'], { encoding: 'utf8' }).stdout;
    const para = explain.split('\n\n')[2] || 'missing';
    const hv = r.result && r.result.contents;
    check('hover: the rule explanation in Markdown', hv && hv.kind === 'markdown' && hv.value.startsWith('### NN007 output-activation') && hv.value.includes(para.trim()) && /```yaml\n/.test(hv.value) && j(r.result.range) === j(diag.range), j(r.result).slice(0, 600));
    r = await s.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    check('hover: nothing away from a diagnostic', r.result === null && !r.error, j(r));

    // broken text: NN000, and the server goes on
    s.notify('textDocument/didChange', { textDocument: { uri, version: 12 }, contentChanges: [{ text: 'layers: [\n  - {type: Dense, units: "\u00e9' }] });
    p = await s.diagnostics(uri);
    const d0 = p.diagnostics.find((d) => d.code === 'NN000');
    check('broken text: an NN000 error with a range', d0 && d0.severity === 1 && d0.range.start.line >= 0, j(p));
    s.notify('textDocument/didChange', { textDocument: { uri, version: 13 }, contentChanges: [{ text: '\u0000\u0001\uFFFF layers: &a [*a]\n' }] });
    p = await s.diagnostics(uri);
    check('broken text: control characters and a YAML alias loop', p.diagnostics.every((d) => d.source === 'nnlint'), j(p));

    // protocol errors
    r = await s.request('nnlint/noSuchMethod', {});
    check('unknown request: MethodNotFound', r.error && r.error.code === -32601, j(r));
    s.notify('nnlint/noSuchNotification', {});
    r = await s.request('textDocument/hover', { textDocument: { uri } });
    check('unknown notification: ignored, and bad params: InvalidParams', r.error && r.error.code === -32602 && !s.inbox.some((m) => m.error), j(r) + ' ' + j(s.inbox));
    await s.raw('Content-Length: 9\r\n\r\n{"bad": }');
    let e = await s.take((m) => m.id === null && m.error, 'parse error');
    check('malformed JSON: ParseError with id null', e.error.code === -32700, j(e));
    await s.raw(Buffer.concat([Buffer.from('Content-Length: 12\r\n\r\n{"a": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]));
    e = await s.take((m) => m.id === null && m.error, 'parse error (UTF-8)');
    check('invalid UTF-8 in a message: ParseError', e.error.code === -32700, j(e));
    await s.raw('Content-Length: twelve\r\n\r\n');
    e = await s.take((m) => m.id === null && m.error, 'bad Content-Length');
    check('bad Content-Length: ParseError', e.error.code === -32700, j(e));
    await s.raw('Content-Length: 99999999999999999999999\r\n\r\n');
    e = await s.take((m) => m.id === null && m.error, 'overflowing Content-Length');
    check('overflowing Content-Length: ParseError', e.error.code === -32700, j(e));
    await s.raw('Content-Length: 6\r\n\r\n[1, 2]');
    e = await s.take((m) => m.error && m.error.code === -32600, 'invalid request');
    check('a JSON array is an InvalidRequest', e.id === null, j(e));
    // oversized: announced and sent, skipped without being held in memory
    const big = 64 * 1024 * 1024 + 100;
    const chunk = Buffer.alloc(1 << 20, 0x20);
    await s.raw('Content-Length: ' + big + '\r\n\r\n');
    for (let left = big; left > 0; left -= chunk.length) await s.raw(left >= chunk.length ? chunk : chunk.subarray(0, left));
    e = await s.take((m) => m.id === null && m.error, 'oversized message');
    check('oversized message: an error, then skipped', e.error.code === -32700 && /limit/.test(e.error.message), j(e));
    let hwm = 0;
    try { hwm = parseInt(/VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/' + s.proc.pid + '/status', 'utf8'))[1], 10); } catch (x) { hwm = -1; }
    check('oversized message: memory stays bounded (peak RSS < 48 MiB)', hwm >= 0 && hwm < 48 * 1024, hwm + ' KiB');
    r = await s.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    check('the server keeps serving after bad messages', r.id !== undefined && !r.error, j(r));

    // .nnlint.yaml: found above the document; a change re-lints
    s.notify('textDocument/didChange', { textDocument: { uri, version: 20 }, contentChanges: [{ text: BAD }] });
    p = await s.diagnostics(uri);
    const cfg = path.join(proj, '.nnlint.yaml');
    fs.writeFileSync(cfg, 'rules:\n  NN007: info\n');
    s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(cfg), type: 1 }] });
    p = await s.diagnostics(uri);
    let c7 = p.diagnostics.find((d) => d.code === 'NN007');
    check('.nnlint.yaml: a created config re-lints open documents', c7 && c7.severity === 3, j(p));
    fs.writeFileSync(cfg, 'rules:\n  NN007: off\n');
    s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(cfg), type: 2 }] });
    p = await s.diagnostics(uri);
    check('.nnlint.yaml: a changed config re-lints open documents', !p.diagnostics.some((d) => d.code === 'NN007'), j(p));
    fs.writeFileSync(cfg, 'rulez:\n  NN007: off\n');
    s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(cfg), type: 2 }] });
    const msg = await s.take((m) => m.method === 'window/showMessage', 'showMessage');
    p = await s.diagnostics(uri);
    check('.nnlint.yaml: a bad config is shown, and the defaults apply', msg.params.type === 1 && /unknown key/.test(msg.params.message) && /\.nnlint\.yaml:1:1/.test(msg.params.message) && p.diagnostics.some((d) => d.code === 'NN007' && d.severity === 1), j(msg) + ' ' + j(p));
    fs.unlinkSync(cfg);
    s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(cfg), type: 3 }] });
    p = await s.diagnostics(uri);
    check('.nnlint.yaml: a deleted config re-lints with the defaults', p.diagnostics.some((d) => d.code === 'NN007' && d.severity === 1), j(p));

    // binary ONNX: the file on disk is linted
    const onnx = path.join(ROOT, 'fixtures/onnx/relu_output.onnx');
    const ouri = uriOf(onnx);
    s.notify('textDocument/didOpen', { textDocument: { uri: ouri, languageId: 'onnx', version: 1, text: '\uFFFD\uFFFDnot the model' } });
    p = await s.diagnostics(ouri);
    const ocli = cliLsp(onnx);
    check('binary ONNX: linted from the file on disk', p.diagnostics.length > 0 && j(strip(p.diagnostics)) === j(ocli), j(strip(p.diagnostics)) + ' vs ' + j(ocli));
    r = await s.request('textDocument/codeAction', { textDocument: { uri: ouri }, range: p.diagnostics[0].range, context: { diagnostics: [] } });
    check('binary ONNX: no disable-comment action (no comments)', (r.result || []).length > 0 && !(r.result || []).some((a) => a.edit), j(r));

    // close: clears
    s.notify('textDocument/didClose', { textDocument: { uri } });
    p = await s.diagnostics(uri);
    check('didClose: diagnostics cleared', Array.isArray(p.diagnostics) && p.diagnostics.length === 0, j(p));
    r = await s.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: ch } });
    check('didClose: the document is forgotten', r.result === null, j(r));

    // shutdown, exit
    r = await s.request('shutdown', null);
    check('shutdown: result null', r.result === null && !r.error, j(r));
    r = await s.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    check('a request after shutdown: InvalidRequest', r.error && r.error.code === -32600, j(r));
    s.notify('exit');
    const code = await s.exited;
    check('exit after shutdown: status 0', code === 0, code + ' ' + s.stderr.slice(-300));
    check('nothing but protocol on standard output', s.readerErrors.length === 0, j(s.readerErrors));
  } catch (x) {
    fail('main session', x.stack || x);
    s.kill();
  }
}

// Each format with comments: every finding's disable-line action, applied
// and re-linted, removes exactly that finding; JSON gets none.
async function commentFormats() {
  const dir = path.join(WORK, 'formats');
  fs.mkdirSync(dir, { recursive: true });
  const cases = [
    ['yaml', 'model.yaml', fs.readFileSync(path.join(ROOT, 'fixtures/golden/mnist_raw.yaml'), 'utf8'), true],
    ['python', 'train.py', fs.readFileSync(path.join(ROOT, 'fixtures/keras-py/mnist_convnet_bad.py'), 'utf8'), true],
    ['onnx text', 'net.onnxtxt', fs.readFileSync(path.join(ROOT, 'fixtures/onnx-text/zero_weight.onnxtxt'), 'utf8'), true],
    ['json', 'model.json', JSON.stringify({ layers: [{ type: 'Dense', units: 8, activation: 'relu' }, { type: 'Dense', units: 1, activation: 'relu' }] }, null, 1) + '\n', false],
  ];
  const s = new Session();
  try {
    await s.init({});
    for (const [fmt, name, text, comments] of cases) {
      const file = path.join(dir, name);
      const uri = uriOf(file);
      s.notify('textDocument/didOpen', { textDocument: { uri, languageId: fmt, version: 1, text } });
      const p = await s.diagnostics(uri);
      const base = codes(p.diagnostics);
      if (!check(fmt + ': findings to work on', base.length > 0 && !base.includes('NN000'), j(base))) continue;
      let applied = 0, files = 0, bad = [];
      // apply an action's edit, re-lint, and give back the codes; then restore
      const relint = async (act) => {
        s.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: applyEdits(text, editOf(act, uri)) }] });
        const now = codes((await s.diagnostics(uri)).diagnostics);
        s.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text }] });
        await s.diagnostics(uri);
        return now;
      };
      const clean = (now) => !now.includes('NN100') && !now.includes('NN101') && !now.includes('NN000');
      for (const dg of p.diagnostics) {
        const r = await s.request('textDocument/codeAction', { textDocument: { uri }, range: dg.range, context: { diagnostics: [dg] } });
        const acts = r.result || [];
        if (!comments) { if (acts.some((a) => a.edit)) bad.push('an edit in a format without comments'); continue; }
        const line = acts.find((a) => /this line/.test(a.title) && a.diagnostics[0].code === dg.code);
        const file = acts.find((a) => /this file/.test(a.title) && a.diagnostics[0].code === dg.code);
        const where = dg.code + '@' + dg.range.start.line + ':' + dg.range.start.character;
        // no line action only for a finding at the very start (a whole model)
        if (!line && !(dg.range.start.line === 0 && dg.range.start.character === 0)) bad.push('no line action for ' + where);
        if (!file) bad.push('no file action for ' + where);
        if (line) {
          const now = await relint(line);
          const sameLine = p.diagnostics.filter((x) => x.code === dg.code && x.range.start.line === dg.range.start.line).length;
          if (count(now, dg.code) !== count(base, dg.code) - sameLine || now.length !== base.length - sameLine || !clean(now)) bad.push('line ' + where + ': ' + j(now));
          else applied++;
        }
        if (file) {
          const now = await relint(file);
          if (count(now, dg.code) !== 0 || now.length !== base.length - count(base, dg.code) || !clean(now)) bad.push('file ' + where + ': ' + j(now));
          else files++;
        }
      }
      if (comments) check(fmt + ': every disable edit suppresses its finding only (' + applied + ' line, ' + files + ' file)', bad.length === 0 && applied > 0 && files > 0, bad.join('; '));
      else check(fmt + ': no disable-comment edits (no comments)', bad.length === 0, bad.join('; '));
      s.notify('textDocument/didClose', { textDocument: { uri } });
      await s.diagnostics(uri);
    }
    await s.close();
  } catch (x) {
    fail('formats session', x.stack || x);
    s.kill();
  }
}

// Lifecycle edge cases, each in a session of its own.
async function lifecycle() {
  let s = new Session();
  try {
    let r = await s.request('textDocument/hover', { textDocument: { uri: 'file:///x.yaml' }, position: { line: 0, character: 0 } });
    check('a request before initialize: ServerNotInitialized', r.error && r.error.code === -32002, j(r));
    await s.init({});
    s.notify('exit');
    const code = await s.exited;
    check('exit without shutdown: status 1', code === 1, code);
  } catch (x) { fail('lifecycle session', x.stack || x); s.kill(); }
  s = new Session();
  try {
    await s.init({});
    await s.request('shutdown', null);
    s.proc.stdin.end();
    const code = await s.exited;
    check('end of input after shutdown: status 0', code === 0, code);
  } catch (x) { fail('lifecycle session 2', x.stack || x); s.kill(); }
  s = new Session();
  try {
    await s.init({});
    // a config present from the start, found by walking up; an untitled document
    const deep = path.join(WORK, 'cfgproj', 'a', 'b');
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(WORK, 'cfgproj', '.nnlint.yaml'), 'rules:\n  NN007: warning\n');
    const uri = uriOf(path.join(deep, 'm.yaml'));
    s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 7, text: BAD } });
    let p = await s.diagnostics(uri);
    check('.nnlint.yaml: found walking up from the document', p.diagnostics.some((d) => d.code === 'NN007' && d.severity === 2), j(p));
    s.notify('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'yaml', version: 1, text: BAD } });
    p = await s.diagnostics('untitled:Untitled-1');
    check('an untitled document is linted by its language id', p.diagnostics.some((d) => d.code === 'NN007' && d.severity === 1), j(p));
    await s.close();
  } catch (x) { fail('lifecycle session 3', x.stack || x); s.kill(); }
  // garbage instead of headers, then the end of input: no crash
  const r = cp.spawnSync(NNLINT, ['lsp'], { input: Buffer.concat([Buffer.from('hello\r\n\r\n\u0000\u00ff garbage'), Buffer.alloc(100000, 0x41)]), encoding: 'latin1', timeout: TIMEOUT });
  check('garbage input: errors on standard output, status 1, no crash', r.status === 1 && /Content-Length: \d+\r\n\r\n\{"jsonrpc":"2.0","id":null,"error":\{"code":-32700/.test(r.stdout), r.status + ' ' + r.signal + ' ' + r.stdout.slice(0, 300));
}

// Editing a spec the way a client with incremental sync does: ranged
// changes (one or two per notification, in UTF-16 positions, after astral
// characters), inside a layer (re-parsed alone), before `layers:`, and
// breaking the YAML and fixing it.  After each, the diagnostics must be
// those of the same text opened fresh in a second document.
async function incrementalEdits() {
  const dir = path.join(WORK, 'incr');
  fs.mkdirSync(dir, { recursive: true });
  let text = 'name: "r\u00e9seau"\ntask: regression\nlayers:\n';
  for (let i = 0; i < 40; i++) text += '  - {name: "\u{1F600}' + i + '", type: Dense, units: ' + (8 + i) + ', activation: relu}\n';
  text += '  - {name: out, type: Dense, units: 1}\ntraining: {optimizer: adam, loss: mse}\n';
  const uri = uriOf(path.join(dir, 'edited.yaml'));
  const posOf = (t, off) => { const before = t.slice(0, off); const line = before.split('\n').length - 1; return { line, character: off - (before.lastIndexOf('\n') + 1) }; };
  // JS strings are UTF-16 already: offsets are UTF-16 units
  const edit = (t, from, to, ins) => ({ change: { range: { start: posOf(t, from), end: posOf(t, to) }, text: ins }, text: t.slice(0, from) + ins + t.slice(to) });
  const s = new Session();
  try {
    await s.init({});
    s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await s.diagnostics(uri);
    const at = (t, needle) => { const i = t.indexOf(needle); if (i < 0) throw new Error('no ' + needle); return i; };
    const steps = [
      ['an activation typed in a middle layer', (t) => [edit(t, at(t, 'units: 20') + 9, at(t, 'units: 20') + 9, ', activation: softmax')]],
      ['the last layer gets an activation', (t) => [edit(t, at(t, 'units: 1}') + 8, at(t, 'units: 1}') + 8, ', activation: relu')]],
      ['a half-finished key', (t) => [edit(t, at(t, 'units: 12') - 2, at(t, 'units: 12') - 2, ', kern')]],
      ['the YAML broken', (t) => [edit(t, at(t, '\u{1F600}7"'), at(t, '\u{1F600}7"'), '"')]],
      ['the YAML fixed', (t) => [edit(t, at(t, '""\u{1F600}7"'), at(t, '""\u{1F600}7"') + 1, '')]],
      ['two changes in one notification', (t) => { const a = edit(t, at(t, 'units: 30'), at(t, 'units: 30') + 9, 'units: -3'); const b = edit(a.text, at(a.text, 'units: 31'), at(a.text, 'units: 31') + 9, 'units: 0'); return [a, b]; }],
      ['the bad units undone', (t) => { const a = edit(t, at(t, 'units: -3'), at(t, 'units: -3') + 9, 'units: 30'); const b = edit(a.text, at(a.text, 'units: 0'), at(a.text, 'units: 0') + 8, 'units: 31'); return [a, b]; }],
      ['a line deleted', (t) => { const i = at(t, '  - {name: "\u{1F600}5"'); return [edit(t, i, t.indexOf('\n', i) + 1, '')]; }],
      ['a layer added', (t) => { const i = at(t, '  - {name: "\u{1F600}9"'); return [edit(t, i, i, '  - {type: Dropout, rate: 1.5}\n')]; }],
      ['an edit before layers:', (t) => [edit(t, at(t, 'regression'), at(t, 'regression') + 10, 'classification')]],
    ];
    let v = 1;
    for (const [name, mk] of steps) {
      const edits = mk(text);
      text = edits[edits.length - 1].text;
      s.notify('textDocument/didChange', { textDocument: { uri, version: ++v }, contentChanges: edits.map((e) => e.change) });
      const got = await s.diagnostics(uri);
      const fresh = uriOf(path.join(dir, 'fresh' + v + '.yaml'));
      s.notify('textDocument/didOpen', { textDocument: { uri: fresh, languageId: 'yaml', version: 1, text } });
      const want = await s.diagnostics(fresh);
      s.notify('textDocument/didClose', { textDocument: { uri: fresh } });
      await s.diagnostics(fresh);
      check('incremental sync: ' + name + ': the diagnostics of the whole text', got.version === v && j(got.diagnostics) === j(want.diagnostics), j(got.diagnostics).slice(0, 700) + ' vs ' + j(want.diagnostics).slice(0, 700));
    }
    await s.close();
  } catch (x) { fail('incremental edits session', x.stack || x); s.kill(); }
}

// The server's JSON reader, message by message: what JSON accepts is
// decoded exactly (a string id comes back as sent), what it does not is a
// ParseError, and the server goes on.
async function jsonReading() {
  const s = new Session();
  const frame = (body) => { const b = Buffer.isBuffer(body) ? body : Buffer.from(body); return Buffer.concat([Buffer.from('Content-Length: ' + b.length + '\r\n\r\n'), b]); };
  try {
    await s.init({});
    // valid: each a request for an unknown method, answered MethodNotFound with its id
    const tricky = 'q"b\\s/\b\f\n\r\t\u00e9\u{1F600}\u0000\u001f\u2028 end';
    const escaped = '"q\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\u0000\\u001F\\u2028 end"';
    const raw = '"q\\"b\\\\s/\\b\\f\\n\\r\\t\u00e9\u{1F600}\\u0000\\u001f\u2028 end"';
    const deep = '['.repeat(100) + ']'.repeat(100);
    const valid = [
      ['escapes', escaped, tricky],
      ['raw UTF-8', raw, tricky],
      ['numbers, literals, nesting, duplicate keys', '7', 7, ', "params": {"a": [-0, 0.5, -1.5e-3, 1E+2, 1e-400, 1.7976931348623157e308, 9223372036854775807, -9223372036854775808, true, false, null, {}, []], "a": ' + deep + '}'],
      ['white space everywhere', ' 8 ', 8, ' ,\t"params"\r\n:\n{ } '],
    ];
    let bad = [];
    for (const [name, idText, id, extra] of valid) {
      await s.raw(frame('{"jsonrpc": "2.0", "id": ' + idText + ', "method": "nnlint/noSuchMethod"' + (extra || '') + '}'));
      const r = await s.take((m) => m.error && m.error.code === -32601 && m.id === id, 'MethodNotFound for ' + name).catch((x) => null);
      if (!r) bad.push(name);
    }
    check('JSON reading: escapes, UTF-8, numbers and nesting decoded as JSON says', bad.length === 0, bad.join('; '));
    // invalid: each a ParseError (id null), and nothing else
    const invalid = [
      '{"a": 1,}', '[1,]', '{"a" 1}', '{"a": 01}', '{"a": 1.}', '{"a": .5}', '{"a": -}', '{"a": 1e}', '{"a": +1}',
      '{"a": "\\ud800"}', '{"a": "\\ud800\\u0041"}', '{"a": "\\udc00"}', '{"a": "\\x"}', '{"a": "\\u12G4"}', '{"a": "abc',
      Buffer.from('{"a": "\x01"}'), Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d]),
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]),
      '{"a\\u0000": 1}', '{"a": 9223372036854775808}', '{"a": -9223372036854775809}', '{"a": 1e400}', '"str"', '7', '{} x', '', '  ',
      '{"a": tru}', '{"a": nul}', '{"a": 1} {"b": 2}', '['.repeat(300) + ']'.repeat(300), '{"a":1', '{,}', '{"a": [1 2]}',
    ];
    bad = [];
    for (const body of invalid) {
      await s.raw(frame(body));
      const e = await s.take((m) => m.id === null && m.error, 'parse error').catch((x) => null);
      if (!e || e.error.code !== -32700) bad.push(String(body).slice(0, 40) + ' -> ' + j(e));
    }
    check('JSON reading: ' + invalid.length + ' malformed bodies, each a ParseError', bad.length === 0, bad.join('; '));
    const r = await s.request('textDocument/hover', { textDocument: { uri: 'file:///none.yaml' }, position: { line: 0, character: 0 } });
    check('JSON reading: the server goes on after them', r.id !== undefined && !r.error && s.inbox.length === 0, j(r) + ' ' + j(s.inbox));
    await s.close();
  } catch (x) {
    fail('JSON reading session', x.stack || x);
    s.kill();
  }
}

(async () => {
  await mainSession();
  await commentFormats();
  await lifecycle();
  await incrementalEdits();
  await jsonReading();
})().catch((x) => { fail('driver', x.stack || x); }).finally(() => process.exit(0));
