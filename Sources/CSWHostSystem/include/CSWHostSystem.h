/*
 * Small C shims for Linux calls Swift cannot make directly: variadic
 * functions (syscall, prctl, fcntl), declarations hidden behind _GNU_SOURCE,
 * and function-like macros.
 */
#ifndef CSWHOSTSYSTEM_H
#define CSWHOSTSYSTEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <spawn.h>

/* openat2(2) with RESOLVE_* flags; returns -1 and sets errno (ENOSYS on old kernels). */
int swhost_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve);
/* RESOLVE_* constants, so Swift need not include the uapi header. */
extern const uint64_t SWHOST_RESOLVE_BENEATH;
extern const uint64_t SWHOST_RESOLVE_NO_SYMLINKS;
extern const uint64_t SWHOST_RESOLVE_NO_MAGICLINKS;
extern const int SWHOST_O_PATH;
extern const int SWHOST_O_NOATIME;

/* prctl(PR_SET_PDEATHSIG, sig). */
int swhost_set_pdeathsig(int sig);
/* prctl(PR_SET_NAME, name). */
int swhost_set_process_name(const char *name);

/* posix_spawn_file_actions_addclosefrom_np (glibc >= 2.34, _GNU_SOURCE only). */
int swhost_spawn_addclosefrom(posix_spawn_file_actions_t *fa, int from);
/* posix_spawn_file_actions_addchdir_np. */
int swhost_spawn_addchdir(posix_spawn_file_actions_t *fa, const char *path);

/* posix_spawn with the setup every swhost child gets (workers, CGI scripts, FastCGI apps):
 * fds[i] dup2'd to descriptor i (a negative entry leaves i alone), every descriptor from
 * max(count, 3) up closed, an empty signal mask, every signal at its default disposition, the
 * working directory `directory` (NULL: unchanged) and, when new_process_group is non-zero, a
 * process group of its own. Sources must not collide with lower targets (keep them >= count).
 * Returns 0 or the error number, as posix_spawn. */
int swhost_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                 const int *fds, int count, const char *directory, int new_process_group);

/* POSIX_SPAWN_SETSID (a GNU extension the Glibc module does not show). */
extern const short SWHOST_POSIX_SPAWN_SETSID;

/* fcntl wrappers (fcntl is variadic). */
int swhost_set_cloexec(int fd, int on);
int swhost_set_nonblocking(int fd, int on);

/* crypt_r(3) from libxcrypt; returns 1 when `password` hashes to `hash`. */
int swhost_crypt_check(const char *password, const char *hash);

/* Wait-status decoding (the W* macros are not imported). */
static inline int swhost_wifexited(int status) { return (status & 0x7f) == 0; }
static inline int swhost_wexitstatus(int status) { return (status >> 8) & 0xff; }
static inline int swhost_wifsignaled(int status) { return ((status & 0x7f) + 1) >> 1 > 0 && (status & 0x7f) != 0x7f && (status & 0x7f) != 0; }
static inline int swhost_wtermsig(int status) { return status & 0x7f; }

/* The calling thread's kernel thread id (for the error log's PID#TID). */
int swhost_gettid(void);

#endif
