/*
 * hello: the smallest Hearth container service. It listens for HTTP/1.1 on the Unix socket named by
 * HEARTH_SOCKET, answers every request on its own connection and closes it, and exits on SIGTERM.
 *
 *   GET  /            -> 200 "hello"
 *   GET  /data        -> 200, the number of bytes in /data/counter after appending one byte to it
 *   GET  /wait        -> 200 "released" once /data/release exists (checked every millisecond, at most
 *                        60 s; "not released" after that): holds an instance busy for scale-out tests
 *   POST /sh          -> only when built with -DPROBE (test images): runs the body with /bin/sh -c
 *                        and answers its output followed by "exit=<status>"
 *   GET  /eat         -> only with -DPROBE: touches memory in this very process until it is killed
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_term(int sig) {
    (void) sig;
    stopping = 1;
}

static void answer(int fd, int status, const char *body, size_t length) {
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, status == 200 ? "OK" : "Not Found", length);
    if (write(fd, head, (size_t) n) < 0 || (length > 0 && write(fd, body, length) < 0)) {
        perror("hello: write");
    }
}

#ifdef PROBE
static void run_shell(int fd, const char *command) {
    static char out[65536];
    size_t used = 0;
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        answer(fd, 200, "pipe failed\nexit=-1", 19);
        return;
    }
    pid_t child = fork();
    if (child < 0) {
        int written = snprintf(out, sizeof out, "fork failed: %s\nexit=-1", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        answer(fd, 200, out, (size_t) written);
        return;
    }
    if (child == 0) {
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        execl("/bin/sh", "sh", "-c", command, (char *) NULL);
        _exit(127);
    }
    close(pipefd[1]);
    ssize_t r;
    while ((r = read(pipefd[0], out + used, sizeof out - used - 32)) > 0) {
        used += (size_t) r;
    }
    close(pipefd[0]);
    int status = 0;
    waitpid(child, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    used += (size_t) snprintf(out + used, 32, "exit=%d", code);
    answer(fd, 200, out, used);
}
#endif

static void serve(int fd) {
    static char request[65536];
    size_t used = 0;
    char *end = NULL;
    while (used < sizeof request - 1) {
        ssize_t r = read(fd, request + used, sizeof request - 1 - used);
        if (r <= 0) {
            return;
        }
        used += (size_t) r;
        request[used] = 0;
        if ((end = strstr(request, "\r\n\r\n")) != NULL) {
            break;
        }
    }
    if (end == NULL) {
        return;
    }
    size_t header_length = (size_t) (end - request) + 4;
    size_t content_length = 0;
    char *cl = strcasestr(request, "\r\ncontent-length:");
    if (cl != NULL && cl < end) {
        content_length = (size_t) strtoul(cl + 17, NULL, 10);
    }
    while (used < header_length + content_length && used < sizeof request - 1) {
        ssize_t r = read(fd, request + used, sizeof request - 1 - used);
        if (r <= 0) {
            break;
        }
        used += (size_t) r;
    }
    request[used] = 0;
    if (strncmp(request, "GET / ", 6) == 0) {
        answer(fd, 200, "hello", 5);
    } else if (strncmp(request, "GET /data ", 10) == 0) {
        int counter = open("/data/counter", O_WRONLY | O_APPEND | O_CREAT, 0600);
        struct stat st;
        char body[32];
        if (counter < 0 || write(counter, "x", 1) != 1 || fstat(counter, &st) != 0) {
            answer(fd, 200, "no data", 7);
        } else {
            int n = snprintf(body, sizeof body, "%lld", (long long) st.st_size);
            answer(fd, 200, body, (size_t) n);
        }
        if (counter >= 0) {
            close(counter);
        }
    } else if (strncmp(request, "GET /wait ", 10) == 0) {
        struct timespec tick = {0, 1000000};
        int waited = 0;
        while (access("/data/release", F_OK) != 0 && waited < 60000 && !stopping) {
            nanosleep(&tick, NULL);
            waited++;
        }
        if (access("/data/release", F_OK) == 0) {
            answer(fd, 200, "released", 8);
        } else {
            answer(fd, 200, "not released", 12);
        }
#ifdef PROBE
    } else if (strncmp(request, "POST /sh ", 9) == 0) {
        run_shell(fd, request + header_length);
    } else if (strncmp(request, "GET /eat ", 9) == 0) {
        for (;;) {
            char *chunk = malloc(1 << 20);
            if (chunk == NULL) {
                answer(fd, 200, "malloc failed", 13);
                return;
            }
            memset(chunk, 1, 1 << 20);
        }
#endif
    } else {
        answer(fd, 404, "not found", 9);
    }
}

int main(void) {
    const char *path = getenv("HEARTH_SOCKET");
    if (path == NULL || strlen(path) >= sizeof(((struct sockaddr_un *) 0)->sun_path)) {
        fprintf(stderr, "hello: HEARTH_SOCKET is not set or too long\n");
        return 2;
    }
    struct sigaction term = {0};
    term.sa_handler = on_term;
    sigaction(SIGTERM, &term, NULL);
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address = {0};
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, path);
    unlink(path);
    if (bind(listener, (struct sockaddr *) &address, sizeof address) != 0 || listen(listener, 128) != 0) {
        perror("hello: cannot listen");
        return 1;
    }
    fprintf(stderr, "hello: listening\n");
    while (!stopping) {
        int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("hello: accept");
            return 1;
        }
        serve(fd);
        close(fd);
    }
    fprintf(stderr, "hello: stopping\n");
    return 0;
}
