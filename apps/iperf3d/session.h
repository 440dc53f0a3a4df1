/* session.h: serving one iperf3 test on an accepted control connection. */
#ifndef IPERF3D_SESSION_H
#define IPERF3D_SESSION_H

/* Runs the test to its end and closes ctrl. Returns 0 when it completed. */
int session_run(int ctrl, int listen_fd, int number);

#endif
