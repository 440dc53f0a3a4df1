/* abi.h: the unikvm guest ABI (v1), shared by the host and the guest. */
#ifndef UNIKVM_ABI_H
#define UNIKVM_ABI_H

#include <stdint.h>

/*
 * Plain C, fixed-width types, no pointers: every guest address is a
 * guest-physical address held in a uint64_t (guest RAM is identity-mapped,
 * so the guest may cast it to a pointer; the host never may without
 * validating it first).
 */

#define UNIKVM_ABI_VERSION 1u

/* ---- Guest-physical memory layout ------------------------------------ */

/*
 * The host owns everything below UNIKVM_IMAGE_MIN: descriptor tables, page
 * tables, the CPL 0 exception stubs and their stack are supervisor-only
 * pages; the boot-info page and the argv area are user pages. Page 0 is
 * never mapped so that NULL dereferences fault.
 */
#define UNIKVM_PAGE_SIZE      4096u
#define UNIKVM_BOOT_INFO_ADDR 0x8000u      /* struct unikvm_boot_info */
#define UNIKVM_ARGS_ADDR      0x9000u      /* argv array + strings */
#define UNIKVM_ARGS_SIZE      0x7000u      /* 28 KiB for the command line */
#define UNIKVM_IMAGE_MIN      0x100000u    /* images load from 1 MiB up */
#define UNIKVM_MEM_MAX        (4ull << 30) /* hypercall args are 32-bit GPAs */
#define UNIKVM_STACK_SIZE     (1u << 20)   /* initial stack at the top of RAM */

/*
 * All guest RAM that the image's segments do not fill from the file is zero
 * at entry (bss included), so the guest need not clear it: on these hosts
 * the first touch of a page costs ~6 us, and clearing would touch every one.
 */

/* ---- Boot info: rdi at entry points here ------------------------------ */

#define UNIKVM_BOOT_MAGIC 0x4d564b55u /* "UKVM" */

enum unikvm_platform {
  UNIKVM_PLATFORM_HVT = 1,    /* unikvm: hypercalls */
  UNIKVM_PLATFORM_VIRTIO = 2, /* QEMU/UEFI: virtio devices */
};

struct unikvm_boot_info {
  uint32_t magic;       /* UNIKVM_BOOT_MAGIC */
  uint32_t abi_version; /* UNIKVM_ABI_VERSION */
  uint32_t platform;    /* enum unikvm_platform */
  uint32_t argc;
  uint64_t argv;         /* GPA of uint64_t[argc + 1], NULL-terminated */
  uint64_t ram_size;     /* bytes of RAM, identity-mapped from 0 */
  uint64_t image_end;    /* first byte after the loaded image, page-aligned */
  uint64_t stack_top;    /* initial rsp; the stack is UNIKVM_STACK_SIZE */
  uint64_t tsc_hz;       /* TSC ticks per second */
  uint64_t wallclock_ns; /* CLOCK_REALTIME at boot, ns since the epoch */
  /* Devices (zero when absent); filled by later ABI users. */
  uint8_t net_mac[6];
  uint16_t net_mtu;
  uint32_t blk_sector_size;
  uint32_t console_tty; /* bit n set: the host's fd n (0..2) is a terminal */
  uint64_t blk_sectors;
  /* IPv4 configuration from --ip/--gw, network byte order; 0: use DHCP. */
  uint32_t net_ipv4_addr;
  uint32_t net_ipv4_gateway;
  uint32_t net_ipv4_prefix; /* prefix length, e.g. 24 */
  uint32_t blk_flags;       /* enum unikvm_blk_flags */
  uint32_t net_flags;       /* enum unikvm_net_flags */
  uint32_t reserved;
};

enum unikvm_net_flags {
  UNIKVM_NET_RINGS = 1u << 0, /* the host takes NET_RING (else only NET_IO) */
};

/* ---- Hypercalls ------------------------------------------------------- */

/*
 * Hypercall n: `outl %eax, $(UNIKVM_HC_BASE + n)` with eax = 32-bit GPA of
 * the argument struct. The host validates the struct and every address in
 * it against guest RAM. Results come back in the struct.
 */
#define UNIKVM_HC_BASE  0x500u
#define UNIKVM_HC_PORTS 32u /* ports granted to CPL 3 by the TSS bitmap */

enum unikvm_hypercall {
  UNIKVM_HC_CONSOLE_WRITE = 0,
  UNIKVM_HC_EXIT = 1,
  UNIKVM_HC_ABORT = 2,
  UNIKVM_HC_WALLTIME = 3,
  UNIKVM_HC_POLL = 4,
  UNIKVM_HC_NET_IO = 5,
  UNIKVM_HC_BLK_IO = 6,
  UNIKVM_HC_CPUTIME = 7,
  UNIKVM_HC_SNAPSHOT = 8,
  UNIKVM_HC_REQUEST_DONE = 9,
  UNIKVM_HC_NET_RING = 10,
  UNIKVM_HC_COUNT /* number of defined hypercalls */
};

/* Port the host's CPL 0 exception stubs report on; never a hypercall. */
#define UNIKVM_EXCEPTION_PORT (UNIKVM_HC_BASE + 0xffu)

/* The last port a 4-byte `out` may use inside the granted range: a test-only
 * hypercall, answered only by hosts built with UNIKVM_TEST_HOOKS (an
 * ordinary host treats it as an unknown port). */
#define UNIKVM_HC_TEST_HOOK (UNIKVM_HC_BASE + UNIKVM_HC_PORTS - 4u)

/* Error codes returned in `ret` fields (negated errno-style values). */
#define UNIKVM_EOK     0
#define UNIKVM_EINVAL  22
#define UNIKVM_EIO     5
#define UNIKVM_ENOTSUP 95

enum unikvm_console_stream {
  UNIKVM_CONSOLE_STDOUT = 1,
  UNIKVM_CONSOLE_STDERR = 2,
};

struct unikvm_hc_console_write {
  uint64_t data;   /* in: GPA of the bytes */
  uint64_t len;    /* in: byte count */
  uint32_t stream; /* in: enum unikvm_console_stream */
  uint32_t reserved;
  int64_t ret; /* out: bytes written or -errno */
};

struct unikvm_hc_exit {
  int32_t status; /* in: low 8 bits become unikvm's exit status */
  uint32_t reserved;
};

struct unikvm_hc_abort {
  uint64_t msg; /* in: GPA of a message (need not be NUL-terminated) */
  uint64_t len; /* in: length, truncated by the host to 4 KiB */
};

struct unikvm_hc_walltime {
  uint64_t ns; /* out: CLOCK_REALTIME in ns since the epoch */
};

/*
 * CPU time the VM has used so far (its vCPU, in the guest and in the host
 * serving it): what clock() measures for a native process. Wall time
 * would also count time the host gave to other processes.
 */
struct unikvm_hc_cputime {
  uint64_t ns; /* out */
};

/*
 * Block until an event or until timeout_ns has passed (relative, so the
 * host needs no view of the guest's TSC). UINT64_MAX waits for an event;
 * with no devices that would be forever, so the host refuses it.
 */
struct unikvm_hc_poll {
  uint64_t timeout_ns; /* in */
  uint64_t ready;      /* out: enum unikvm_ready bits (0: timeout) */
};

enum unikvm_ready {
  UNIKVM_READY_NET_RX = 1u << 0, /* a frame is waiting to be received */
};

/* ---- Network: batches of Ethernet frames, one exit for all of them ----- */

/*
 * One frame buffer. For tx, len is the frame length; for rx, len is the
 * buffer's capacity on the way in and the frame's length on the way out.
 * Frames are whole Ethernet frames without FCS, at most net_mtu + 14 bytes.
 */
struct unikvm_net_frame {
  uint64_t data; /* GPA */
  uint32_t len;
  uint32_t reserved;
};

#define UNIKVM_NET_BATCH_MAX 256u /* frames per direction per hypercall */

/*
 * Sends tx_count frames, then receives up to rx_count. When nothing was
 * received and timeout_ns > 0, waits up to timeout_ns (relative; UINT64_MAX
 * = until a frame arrives) for one, so the idle loop, transmit and receive
 * all share one exit.
 */
struct unikvm_hc_net_io {
  uint64_t tx;         /* in: GPA of struct unikvm_net_frame[tx_count] */
  uint64_t rx;         /* in: GPA of struct unikvm_net_frame[rx_count] */
  uint32_t tx_count;   /* in */
  uint32_t rx_count;   /* in */
  uint32_t tx_done;    /* out: frames sent (the rest were dropped) */
  uint32_t rx_done;    /* out: rx[0..rx_done) hold frames */
  uint64_t timeout_ns; /* in */
  uint32_t rx_pending; /* out: nonzero if more frames are waiting */
  uint32_t reserved;
  int64_t ret; /* out: 0 or -errno */
};

/* ---- Network rings: frames move without VM exits while both sides poll -- */

/*
 * NET_RING offers the host a pair of rings in guest RAM. Once accepted, the
 * host moves frames through them on a thread of its own: it reads the
 * backend into the rx buffers the guest posted and sends what the guest
 * queued on tx, without an exit, for as long as it polls (host_polling).
 * The guest polls too, for poll_ns after it runs out of work, before it
 * waits in POLL, which also sends whatever tx still holds. NET_IO is not
 * used once the rings are. Indices run freely (mod 2^32); entry i lives in
 * slot i % slots. Each field is written by one side only.
 */
#define UNIKVM_NET_RING_SLOTS_MAX 256u

enum unikvm_net_ring_polling {
  UNIKVM_NET_RING_POLL_TX = 1u << 0, /* the host takes tx frames as they are queued */
  UNIKVM_NET_RING_POLL_RX = 1u << 1, /* the host fills rx buffers as frames arrive */
};

struct unikvm_net_ring {
  /* Written by the guest. */
  uint32_t tx_head; /* tx[i] for i < tx_head hold frames to send (len = frame length) */
  uint32_t pad0[15];
  uint32_t rx_avail;      /* rx[i] for i < rx_avail are empty buffers (len = capacity) */
  uint32_t rx_seen;       /* rx[i] for i < rx_seen the guest has taken (read by POLL) */
  uint32_t guest_waiting; /* nonzero while the guest waits in POLL: a filled rx wakes it */
  uint32_t guest_polls;   /* nonzero: the idle guest polls rx, so fill it while the guest runs */
  uint32_t guest_idle;    /* nonzero: every thread of the guest waits for a frame or a timer, so
                             it queues no frame before one comes (the host need not watch tx) */
  uint32_t pad1[11];
  /* Written by the host. */
  uint32_t tx_tail; /* tx[i] for i < tx_tail have left: their buffers are the guest's again */
  uint32_t pad2[15];
  uint32_t rx_used; /* rx[i] for i < rx_used hold frames (len = frame length) */
  uint32_t polling; /* enum unikvm_net_ring_polling bits */
  uint32_t pad3[14];
  struct unikvm_net_frame tx[UNIKVM_NET_RING_SLOTS_MAX];
  struct unikvm_net_frame rx[UNIKVM_NET_RING_SLOTS_MAX];
};

struct unikvm_hc_net_ring {
  uint64_t ring;    /* in: GPA of a zeroed struct unikvm_net_ring, 64-byte aligned */
  uint32_t slots;   /* in: entries used per ring, a power of two up to the max */
  uint32_t poll_ns; /* out: how long the idle guest should poll before POLL */
  int64_t ret;      /* out: 0, or -UNIKVM_ENOTSUP: the host declines, use NET_IO */
};

/* ---- Block device: batches of sector-aligned requests, one exit ------- */

enum unikvm_blk_flags {
  UNIKVM_BLK_READONLY = 1u << 0,
};

enum unikvm_blk_op {
  UNIKVM_BLK_READ = 0,
  UNIKVM_BLK_WRITE = 1,
  UNIKVM_BLK_FLUSH = 2, /* everything written before it is durable when it completes */
};

/* One request; len is a multiple of blk_sector_size (0 for FLUSH). */
struct unikvm_blk_req {
  uint64_t sector; /* first sector, in blk_sector_size units */
  uint64_t data;   /* GPA of the buffer */
  uint32_t len;    /* bytes */
  uint32_t op;     /* enum unikvm_blk_op */
  int64_t ret;     /* out: 0 or -errno (-EINVAL, -EIO, -EROFS) */
};

#define UNIKVM_BLK_BATCH_MAX 256u

/* Runs count requests in order; done = how many ran (each has its own ret). */
struct unikvm_hc_blk_io {
  uint64_t reqs; /* GPA of struct unikvm_blk_req[count] */
  uint32_t count;
  uint32_t done; /* out */
};

#define UNIKVM_EROFS 30

/*
 * Asynchronous reads, so the host fills the next buffer while the guest
 * works on the current one. A READ_ASYNC request is checked like a READ
 * when its batch runs; the host then sets its ret to UNIKVM_BLK_PENDING and
 * reads on a thread of its own, while the guest runs on: ret in the
 * request struct, which the guest must leave in place until then, becomes
 * 0 or -errno once the data is in the buffer (the data is written first).
 * A batch runs its READ, WRITE and FLUSH requests in order, then queues its
 * READ_ASYNC ones, then runs its WAITs: WAIT (data = GPA of a READ_ASYNC
 * request struct, len 0) returns once that request completed. An async
 * read sees the disk as it is at some moment between the end of its batch
 * and its completion. A host without them fails both with -EINVAL.
 */
enum unikvm_blk_async_op {
  UNIKVM_BLK_READ_ASYNC = 3,
  UNIKVM_BLK_WAIT = 4,
};
#define UNIKVM_BLK_PENDING 1

/* ---- Snapshots and per-request reset ---------------------------------- */

enum unikvm_snapshot_mode {
  /* Each REQUEST_DONE returns the VM to the snapshot instead of returning. */
  UNIKVM_SNAPSHOT_RESET_PER_REQUEST = 1u << 0,
};

/*
 * The app's initialisation is done: the host may record RAM, vCPU and
 * device state here (--snapshot-out, --reset-per-request). The call returns
 * once in the VM that made it (generation 0) and again, with the same
 * stack, in every VM restored from the snapshot and after every reset
 * (generation > 0). Each return brings fresh host entropy, so restored VMs
 * do not repeat TCP sequence numbers or random state.
 */
struct unikvm_hc_snapshot {
  uint64_t generation; /* out: 0 first; then how many restores/resets so far */
  uint32_t mode;       /* out: enum unikvm_snapshot_mode bits */
  uint32_t reserved;
  uint8_t entropy[32]; /* out */
};

/* The app finished a request. Under --reset-per-request it does not return:
 * the VM resumes at the snapshot. Otherwise ret = 0. */
struct unikvm_hc_request_done {
  int64_t ret; /* out */
};

/* ---- ELF note (manifest) ---------------------------------------------- */

/* Section .note.unikvm, name "unikvm", type UNIKVM_NOTE_TYPE_ABI. */
#define UNIKVM_NOTE_NAME     "unikvm"
#define UNIKVM_NOTE_TYPE_ABI 0x554b0001u

enum unikvm_manifest_device {
  UNIKVM_MANIFEST_NET = 1u << 0,
  UNIKVM_MANIFEST_BLK = 1u << 1,
};

struct unikvm_note_abi {
  uint32_t abi_version; /* UNIKVM_ABI_VERSION */
  uint32_t devices;     /* enum unikvm_manifest_device bits */
};

#endif
