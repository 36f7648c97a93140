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

/* ---- Swift handler crash reports (SWHostHTTP SwiftHandlerCrashReport) ---- */
/* Bytes of request description one in-flight invocation can hold. */
#define SWHOST_CRASH_TEXT_MAX 1024
/* Installs an async-signal-safe handler for SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT and
   SIGFPE (SA_RESETHAND, on an alternate stack for the calling thread) that writes one [alert]
   line per in-flight invocation to every path in `paths` (opened O_APPEND at crash time, so a
   log reopen is followed) and to fd 2 when `to_stderr`, then re-raises the signal. `utc_offset`
   (seconds) is applied to the time printed. The paths are copied. Returns 0, or -1 with errno. */
int swhost_crash_install(const char *const *paths, int count, int to_stderr, long utc_offset);
/* Claims a registry slot for an invocation; -1 when none is free or nothing is installed. */
int swhost_crash_begin(void);
/* The slot's text buffer, SWHOST_CRASH_TEXT_MAX bytes. */
char *swhost_crash_buffer(int slot);
/* Makes the slot's text visible to the handler: text[0..<head] is printed before the signal
   description, text[head..<length] after it. */
void swhost_crash_publish(int slot, int head, int length);
/* Frees the slot (the invocation ended). */
void swhost_crash_end(int slot);

/* ---- Shared stub_status and per-vhost counters (SWHostProcess SharedCounters,
   SWHostHTTP VirtualHostCounters): one region mapped by the master and every worker ---- */
#define SWHOST_COUNTERS_NAME_MAX 64
typedef struct {
    uint64_t magic, version, vhost_capacity, vhost_count, worker_capacity;
    uint64_t retired_accepts, retired_handled, retired_requests;
} swhost_counters_header;
/* One live worker's connection counters, written by that worker only (pid 0: free). */
typedef struct {
    uint64_t pid, accepts, handled, requests, reading, writing, waiting, reserved;
} swhost_worker_counters;
/* One virtual server (by primary name), added to by every worker. */
typedef struct {
    char name[SWHOST_COUNTERS_NAME_MAX];
    uint64_t requests, status_1xx, status_2xx, status_3xx, status_4xx, status_5xx, bytes_out, reserved;
} swhost_vhost_counters;

/* Bytes a region with these capacities needs. */
size_t swhost_counters_size(uint64_t vhosts, uint64_t workers);
/* Formats a zeroed region of swhost_counters_size(vhosts, workers) bytes. */
void swhost_counters_init(void *region, uint64_t vhosts, uint64_t workers);
/* 1 when `region` of `size` bytes is a formatted region. */
int swhost_counters_valid(const void *region, size_t size);
swhost_counters_header *swhost_counters_header_of(void *region);
swhost_worker_counters *swhost_counters_worker(void *region, uint64_t index);
swhost_vhost_counters *swhost_counters_vhost(void *region, uint64_t index);
/* The slot of `name` (truncated to SWHOST_COUNTERS_NAME_MAX - 1 bytes), or -1. */
long swhost_counters_find(void *region, const char *name);
/* The slot of `name`, appended when missing (one writer: the master, or a single process);
   -1 when the region is full. */
long swhost_counters_add(void *region, const char *name);
/* Claims a free worker entry for `pid`; -1 when full. */
long swhost_counters_claim_worker(void *region, uint64_t pid);
/* Folds `pid`'s totals into the retired totals and frees its entry (the master, on reap). */
void swhost_counters_release_worker(void *region, uint64_t pid);
/* Overwrites a worker entry's counters (relaxed stores; the owner is the only writer). */
void swhost_counters_publish(swhost_worker_counters *w, uint64_t accepts, uint64_t handled, uint64_t requests,
                             uint64_t reading, uint64_t writing, uint64_t waiting);
/* Relaxed atomic read of one counter. */
static inline uint64_t swhost_counter_load(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
/* One response of `status` with `bytes` sent: a few relaxed atomic adds. */
static inline void swhost_vhost_record(swhost_vhost_counters *v, unsigned status, uint64_t bytes) {
    __atomic_fetch_add(&v->requests, 1, __ATOMIC_RELAXED);
    uint64_t *klass = status < 200 ? &v->status_1xx : status < 300 ? &v->status_2xx : status < 400 ? &v->status_3xx
        : status < 500 ? &v->status_4xx : &v->status_5xx;
    __atomic_fetch_add(klass, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&v->bytes_out, bytes, __ATOMIC_RELAXED);
}

#endif
