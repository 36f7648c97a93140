#define _GNU_SOURCE
#include "CSWHostSystem.h"
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

const uint64_t SWHOST_RESOLVE_BENEATH = RESOLVE_BENEATH;
const uint64_t SWHOST_RESOLVE_NO_SYMLINKS = RESOLVE_NO_SYMLINKS;
const uint64_t SWHOST_RESOLVE_NO_MAGICLINKS = RESOLVE_NO_MAGICLINKS;
const int SWHOST_O_PATH = O_PATH;
const int SWHOST_O_NOATIME = O_NOATIME;
const short SWHOST_POSIX_SPAWN_SETSID = POSIX_SPAWN_SETSID;

int swhost_openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve) {
    struct open_how how;
    memset(&how, 0, sizeof(how));
    how.flags = flags;
    how.mode = mode;
    how.resolve = resolve;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

int swhost_set_pdeathsig(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }
int swhost_set_process_name(const char *name) { return prctl(PR_SET_NAME, name, 0, 0, 0); }

int swhost_spawn_addclosefrom(posix_spawn_file_actions_t *fa, int from) {
    return posix_spawn_file_actions_addclosefrom_np(fa, from);
}
int swhost_spawn_addchdir(posix_spawn_file_actions_t *fa, const char *path) {
    return posix_spawn_file_actions_addchdir_np(fa, path);
}

int swhost_set_cloexec(int fd, int on) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return -1;
    flags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
    return fcntl(fd, F_SETFD, flags);
}
int swhost_set_nonblocking(int fd, int on) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, flags);
}

int swhost_crypt_check(const char *password, const char *hash) {
    struct crypt_data data;
    memset(&data, 0, sizeof(data));
    char *out = crypt_r(password, hash, &data);
    if (out == NULL || out[0] == '*') return 0;
    return strcmp(out, hash) == 0;
}

int swhost_gettid(void) { return (int)syscall(SYS_gettid); }

/* ---- Swift handler crash reports ---- */
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#define SWHOST_CRASH_SLOTS 128
#define SWHOST_CRASH_PATHS 8
#define SWHOST_CRASH_PATH_MAX 1024

/* 0 free, 1 being written, 2 in flight (printed on a crash). */
static int crash_state[SWHOST_CRASH_SLOTS];
static int crash_head[SWHOST_CRASH_SLOTS];
static int crash_length[SWHOST_CRASH_SLOTS];
static char crash_text[SWHOST_CRASH_SLOTS][SWHOST_CRASH_TEXT_MAX];
static char crash_paths[SWHOST_CRASH_PATHS][SWHOST_CRASH_PATH_MAX];
static int crash_path_count;
static int crash_to_stderr;
static long crash_utc_offset;
static int crash_installed;
static int crash_entered;

static const int crash_signals[] = { SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE };

static void crash_append(char *out, size_t *n, size_t cap, const char *s, size_t len) {
    if (*n + len > cap) len = cap - *n;
    memcpy(out + *n, s, len);
    *n += len;
}

static void crash_append_str(char *out, size_t *n, size_t cap, const char *s) {
    crash_append(out, n, cap, s, strlen(s));
}

static void crash_append_uint(char *out, size_t *n, size_t cap, unsigned long long v, int width) {
    char digits[24];
    int len = 0;
    do { digits[len++] = (char)('0' + v % 10); v /= 10; } while (v > 0);
    while (len < width) digits[len++] = '0';
    char rev[24];
    for (int i = 0; i < len; i++) rev[i] = digits[len - 1 - i];
    crash_append(out, n, cap, rev, (size_t)len);
}

/* `2026/11/22 04:17:10` without gmtime (not async-signal-safe): days to civil date. */
static void crash_append_time(char *out, size_t *n, size_t cap) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long t = (long long)ts.tv_sec + crash_utc_offset;
    long long days = t / 86400, rem = t % 86400;
    if (rem < 0) { rem += 86400; days -= 1; }
    /* Howard Hinnant's civil_from_days. */
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) y += 1;
    crash_append_uint(out, n, cap, (unsigned long long)y, 4);
    crash_append_str(out, n, cap, "/");
    crash_append_uint(out, n, cap, (unsigned long long)m, 2);
    crash_append_str(out, n, cap, "/");
    crash_append_uint(out, n, cap, (unsigned long long)d, 2);
    crash_append_str(out, n, cap, " ");
    crash_append_uint(out, n, cap, (unsigned long long)(rem / 3600), 2);
    crash_append_str(out, n, cap, ":");
    crash_append_uint(out, n, cap, (unsigned long long)(rem % 3600 / 60), 2);
    crash_append_str(out, n, cap, ":");
    crash_append_uint(out, n, cap, (unsigned long long)(rem % 60), 2);
}

static const char *crash_signal_name(int sig) {
    switch (sig) {
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGABRT: return "SIGABRT";
    case SIGFPE: return "SIGFPE";
    default: return "?";
    }
}

static void crash_write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return; }
        p += w;
        n -= (size_t)w;
    }
}

static void crash_handler(int sig, siginfo_t *info, void *context) {
    (void)info;
    (void)context;
    int saved = errno;
    /* One report per process: a second thread faulting meanwhile just dies with its signal. */
    if (__atomic_exchange_n(&crash_entered, 1, __ATOMIC_ACQ_REL) == 0) {
        int pid = (int)getpid(), tid = (int)syscall(SYS_gettid);
        for (int i = 0; i < SWHOST_CRASH_SLOTS; i++) {
            if (__atomic_load_n(&crash_state[i], __ATOMIC_ACQUIRE) != 2) continue;
            char line[SWHOST_CRASH_TEXT_MAX + 256];
            size_t n = 0, cap = sizeof(line) - 1;
            int head = crash_head[i], length = crash_length[i];
            if (head < 0 || head > length || length > SWHOST_CRASH_TEXT_MAX) continue;
            crash_append_time(line, &n, cap);
            crash_append_str(line, &n, cap, " [alert] ");
            crash_append_uint(line, &n, cap, (unsigned long long)pid, 1);
            crash_append_str(line, &n, cap, "#");
            crash_append_uint(line, &n, cap, (unsigned long long)tid, 1);
            crash_append_str(line, &n, cap, ": ");
            crash_append(line, &n, cap, crash_text[i], (size_t)head);
            crash_append_str(line, &n, cap, " terminated the worker process on signal ");
            crash_append_uint(line, &n, cap, (unsigned long long)sig, 1);
            crash_append_str(line, &n, cap, " (");
            crash_append_str(line, &n, cap, crash_signal_name(sig));
            crash_append_str(line, &n, cap, ")");
            crash_append(line, &n, cap, crash_text[i] + head, (size_t)(length - head));
            line[n++] = '\n';
            for (int p = 0; p < crash_path_count; p++) {
                int fd = open(crash_paths[p], O_WRONLY | O_APPEND | O_CLOEXEC);
                if (fd < 0) continue;
                crash_write_all(fd, line, n);
                close(fd);
            }
            if (crash_to_stderr) crash_write_all(2, line, n);
        }
    }
    errno = saved;
    /* SA_RESETHAND restored the default action: re-raise with the signal unblocked so the
       process ends with this signal (and its core dump), whatever raised it. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
}

int swhost_crash_install(const char *const *paths, int count, int to_stderr, long utc_offset) {
    crash_path_count = 0;
    for (int i = 0; i < count && crash_path_count < SWHOST_CRASH_PATHS; i++) {
        size_t len = strlen(paths[i]);
        if (len >= SWHOST_CRASH_PATH_MAX) continue;
        memcpy(crash_paths[crash_path_count], paths[i], len + 1);
        crash_path_count++;
    }
    crash_to_stderr = to_stderr;
    crash_utc_offset = utc_offset;
    static char alternate[65536];
    stack_t ss;
    memset(&ss, 0, sizeof(ss));
    ss.ss_sp = alternate;
    ss.ss_size = sizeof(alternate);
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = crash_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++) {
        if (sigaction(crash_signals[i], &sa, NULL) != 0) return -1;
    }
    __atomic_store_n(&crash_installed, 1, __ATOMIC_RELEASE);
    return 0;
}

int swhost_crash_begin(void) {
    if (!__atomic_load_n(&crash_installed, __ATOMIC_ACQUIRE)) return -1;
    for (int i = 0; i < SWHOST_CRASH_SLOTS; i++) {
        int expected = 0;
        if (__atomic_load_n(&crash_state[i], __ATOMIC_RELAXED) == 0 &&
            __atomic_compare_exchange_n(&crash_state[i], &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
            return i;
        }
    }
    return -1;
}

char *swhost_crash_buffer(int slot) { return crash_text[slot]; }

void swhost_crash_publish(int slot, int head, int length) {
    crash_head[slot] = head;
    crash_length[slot] = length;
    __atomic_store_n(&crash_state[slot], 2, __ATOMIC_RELEASE);
}

void swhost_crash_end(int slot) { __atomic_store_n(&crash_state[slot], 0, __ATOMIC_RELEASE); }

/* ---- Shared stub_status and per-vhost counters ---- */
#define SWHOST_COUNTERS_MAGIC 0x31544e4354485753ULL /* "SWHTCNT1" */

static size_t counters_workers_offset(void) { return sizeof(swhost_counters_header); }
static size_t counters_vhosts_offset(uint64_t workers) {
    return sizeof(swhost_counters_header) + (size_t)workers * sizeof(swhost_worker_counters);
}

size_t swhost_counters_size(uint64_t vhosts, uint64_t workers) {
    return counters_vhosts_offset(workers) + (size_t)vhosts * sizeof(swhost_vhost_counters);
}

void swhost_counters_init(void *region, uint64_t vhosts, uint64_t workers) {
    swhost_counters_header *h = region;
    h->version = 1;
    h->vhost_capacity = vhosts;
    h->vhost_count = 0;
    h->worker_capacity = workers;
    __atomic_store_n(&h->magic, SWHOST_COUNTERS_MAGIC, __ATOMIC_RELEASE);
}

int swhost_counters_valid(const void *region, size_t size) {
    const swhost_counters_header *h = region;
    if (size < sizeof(*h) || __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != SWHOST_COUNTERS_MAGIC || h->version != 1) return 0;
    return swhost_counters_size(h->vhost_capacity, h->worker_capacity) <= size;
}

swhost_counters_header *swhost_counters_header_of(void *region) { return region; }

swhost_worker_counters *swhost_counters_worker(void *region, uint64_t index) {
    return (swhost_worker_counters *)((char *)region + counters_workers_offset()) + index;
}

swhost_vhost_counters *swhost_counters_vhost(void *region, uint64_t index) {
    swhost_counters_header *h = region;
    return (swhost_vhost_counters *)((char *)region + counters_vhosts_offset(h->worker_capacity)) + index;
}

long swhost_counters_find(void *region, const char *name) {
    swhost_counters_header *h = region;
    uint64_t count = __atomic_load_n(&h->vhost_count, __ATOMIC_ACQUIRE);
    for (uint64_t i = 0; i < count; i++) {
        if (strncmp(swhost_counters_vhost(region, i)->name, name, SWHOST_COUNTERS_NAME_MAX - 1) == 0) return (long)i;
    }
    return -1;
}

long swhost_counters_add(void *region, const char *name) {
    long found = swhost_counters_find(region, name);
    if (found >= 0) return found;
    swhost_counters_header *h = region;
    uint64_t count = h->vhost_count;
    if (count >= h->vhost_capacity) return -1;
    swhost_vhost_counters *v = swhost_counters_vhost(region, count);
    strncpy(v->name, name, SWHOST_COUNTERS_NAME_MAX - 1);
    v->name[SWHOST_COUNTERS_NAME_MAX - 1] = 0;
    /* The name is complete before readers can see the slot. */
    __atomic_store_n(&h->vhost_count, count + 1, __ATOMIC_RELEASE);
    return (long)count;
}

long swhost_counters_claim_worker(void *region, uint64_t pid) {
    swhost_counters_header *h = region;
    for (uint64_t i = 0; i < h->worker_capacity; i++) {
        swhost_worker_counters *w = swhost_counters_worker(region, i);
        uint64_t expected = 0;
        if (__atomic_compare_exchange_n(&w->pid, &expected, pid, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            swhost_counters_publish(w, 0, 0, 0, 0, 0, 0);
            return (long)i;
        }
    }
    return -1;
}

void swhost_counters_release_worker(void *region, uint64_t pid) {
    swhost_counters_header *h = region;
    for (uint64_t i = 0; i < h->worker_capacity; i++) {
        swhost_worker_counters *w = swhost_counters_worker(region, i);
        if (__atomic_load_n(&w->pid, __ATOMIC_ACQUIRE) != pid) continue;
        __atomic_fetch_add(&h->retired_accepts, __atomic_load_n(&w->accepts, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
        __atomic_fetch_add(&h->retired_handled, __atomic_load_n(&w->handled, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
        __atomic_fetch_add(&h->retired_requests, __atomic_load_n(&w->requests, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
        swhost_counters_publish(w, 0, 0, 0, 0, 0, 0);
        __atomic_store_n(&w->pid, 0, __ATOMIC_RELEASE);
    }
}

void swhost_counters_publish(swhost_worker_counters *w, uint64_t accepts, uint64_t handled, uint64_t requests,
                             uint64_t reading, uint64_t writing, uint64_t waiting) {
    __atomic_store_n(&w->accepts, accepts, __ATOMIC_RELAXED);
    __atomic_store_n(&w->handled, handled, __ATOMIC_RELAXED);
    __atomic_store_n(&w->requests, requests, __ATOMIC_RELAXED);
    __atomic_store_n(&w->reading, reading, __ATOMIC_RELAXED);
    __atomic_store_n(&w->writing, writing, __ATOMIC_RELAXED);
    __atomic_store_n(&w->waiting, waiting, __ATOMIC_RELAXED);
}

#include <signal.h>

int swhost_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                 const int *fds, int count, const char *directory, int new_process_group) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attributes);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return rc;
    }
    /* dup2 clears FD_CLOEXEC on the child's copy (glibc >= 2.29 also when source == target). */
    for (int i = 0; i < count && rc == 0; i++) {
        if (fds[i] >= 0) rc = posix_spawn_file_actions_adddup2(&actions, fds[i], i);
    }
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, count > 3 ? count : 3);
    if (rc == 0 && directory != NULL) rc = posix_spawn_file_actions_addchdir_np(&actions, directory);

    /* The server blocks HUP/QUIT/TERM/INT/USR1/... in every thread and ignores SIGPIPE; both the
     * mask and SIG_IGN survive exec, so the child gets an empty mask and every default back. */
    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attributes, &empty);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attributes, &all);
    if (rc == 0 && new_process_group) {
        rc = posix_spawnattr_setpgroup(&attributes, 0);
        flags |= POSIX_SPAWN_SETPGROUP;
    }
    if (rc == 0) rc = posix_spawnattr_setflags(&attributes, flags);
    if (rc == 0) rc = posix_spawn(pid, path, &actions, &attributes, argv, envp);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}
