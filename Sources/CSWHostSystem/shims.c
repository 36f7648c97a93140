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
