/* epoll(7) and eventfd(2), which the Glibc module does not import: the FastCGI reactor's
 * readiness set (SWHostGateway/FastCGIReactor.swift). Header only, nothing to link. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
