/*
 * timeit.c - run one command and say what it cost, for bench/run.sh.
 *
 *   timeit OUTFILE CMD [ARG...]
 *
 * Runs CMD with stdout and stderr sent to OUTFILE (so the cost of writing
 * the findings is counted, but no terminal is involved), waits for it, and
 * prints one line on stdout:
 *
 *   wall_ms user_ms sys_ms maxrss_kb exit_status
 *
 * Wall time is CLOCK_MONOTONIC around fork/wait; CPU times and the peak
 * resident set size come from wait4's rusage of that one child (the same
 * source as GNU time's %U %S %M).  Exit status 127 if CMD could not run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double ms(struct timeval t) {
  return t.tv_sec * 1e3 + t.tv_usec / 1e3;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fputs("usage: timeit OUTFILE CMD [ARG...]\n", stderr);
    return 2;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 2;
  }
  if (pid == 0) {
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
      perror(argv[1]);
      _exit(127);
    }
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  int st;
  struct rusage ru;
  if (wait4(pid, &st, 0, &ru) < 0) {
    perror("wait4");
    return 2;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double wall = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  printf("%.2f %.2f %.2f %ld %d\n", wall, ms(ru.ru_utime), ms(ru.ru_stime),
         ru.ru_maxrss, code);
  return 0;
}
