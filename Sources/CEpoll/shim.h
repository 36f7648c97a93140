/* epoll(7), eventfd(2) and pidfd_open(2), which the Glibc module does not import: the gateway
 * reactor's readiness set (SWHostGateway/GatewayReactor.swift) and the CGI processes' exit
 * notification (SWHostGateway/SpawnedProcess.swift). Header only, nothing to link. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/pidfd.h>
