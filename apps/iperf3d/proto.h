/* proto.h: the iperf3 control protocol as the iperf3 3.x client speaks it. The client opens
 * a control connection and sends a 36-character cookie plus NUL; the server drives the test
 * with one signed state byte at a time; parameters and results travel as a 4-byte
 * big-endian length followed by that many bytes of JSON. Data connections open with the
 * same cookie. */
#ifndef IPERF3D_PROTO_H
#define IPERF3D_PROTO_H

#define COOKIE_SIZE 37

#define TEST_START       1
#define TEST_RUNNING     2
#define TEST_END         4
#define PARAM_EXCHANGE   9
#define CREATE_STREAMS   10
#define SERVER_TERMINATE 11
#define CLIENT_TERMINATE 12
#define EXCHANGE_RESULTS 13
#define DISPLAY_RESULTS  14
#define IPERF_DONE       16
#define ACCESS_DENIED    (-1)
#define SERVER_ERROR     (-2)

/* Error numbers the client can print after SERVER_ERROR (its i_errno values). */
#define IE_UNIMP       13  /* "an option you are trying to set is not implemented yet" */
#define IE_RECV_PARAMS 114 /* "unable to receive parameters from client" */

#define MAX_STREAMS   128
#define MAX_BLOCKSIZE (1024 * 1024)
#define MAX_JSON      (1024 * 1024)

#endif
