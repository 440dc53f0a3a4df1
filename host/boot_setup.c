/* boot_setup.c: the VM and its vCPU created and the image loaded, on two CPUs at once. */
#include "boot_setup.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "x86_layout.h"

/*
 * On these hosts the KVM calls are most of what unikvm takes to boot: reading the supported
 * CPUID (≈0.4 ms: one trapped CPUID instruction per leaf), creating the VM (≈0.2 ms) and the
 * vCPU (≈0.1 ms), mapping RAM (≈0.1 ms); loading the image takes ≈0.15 ms. The main thread
 * makes the VM and then the vCPU while a helper thread on another CPU reads the CPUID; then
 * whichever is free takes the next job (load the image, map RAM), so when the helper gets no
 * CPU in time the main thread does them all. On a busy machine (another task running) there
 * is no helper at all.
 */
enum { JOB_QUERY_CPUID, JOB_LOAD_IMAGE, JOB_MAP_RAM, JOB_COUNT };

struct jobs {
  struct boot_setup *b;
  atomic_int next; /* the next job to take */
  atomic_bool helper_done;
  atomic_int vm_made; /* 0 until KVM_CREATE_VM returned, then 1, or -1 if it failed */
  int load_rc, cpuid_rc, map_rc;
  char cpuid_err[256], map_err[256];
};

static void run_job(struct jobs *j, int job) {
  struct boot_setup *b = j->b;
  if (job == JOB_QUERY_CPUID) {
    j->cpuid_rc = kvm_vcpu_query_cpuid(b->cpu, j->cpuid_err, sizeof(j->cpuid_err));
    return;
  }
  if (job == JOB_MAP_RAM) {
    /* Made by now, unless the helper got here first: then a short wait that polls (being
     * woken up from the other CPU would cost more) but lets a thread on this CPU run. */
    int made;
    while ((made = atomic_load(&j->vm_made)) == 0)
      sched_yield();
    if (made > 0)
      j->map_rc = kvm_vm_map_ram(b->cpu, b->mem, j->map_err, sizeof(j->map_err));
    return;
  }
  if (b->file)
    j->load_rc = elf_load(b->file, b->file_size, b->mem, &b->image, b->err, sizeof(b->err));
  else
    b->image = (struct elf_image){.devices = b->restored_devices};
  if (j->load_rc == 0)
    x86_tables_write(b->mem);
}

static void take_jobs(struct jobs *j) {
  int job;
  while ((job = atomic_fetch_add(&j->next, 1)) < JOB_COUNT)
    run_job(j, job);
}

static void *helper_main(void *arg) {
  struct jobs *j = arg;
  take_jobs(j);
  atomic_store(&j->helper_done, true);
  return NULL;
}

/* The helper's stack: given, so that creating it maps nothing and ending it unmaps nothing
 * (either would cost a TLB shootdown on the other CPU, an IPI through the L0 hypervisor). */
static char helper_stack[64 * 1024] __attribute__((aligned(64)));

/*
 * Whether another task is runnable right now (the running count in /proc/loadavg, which
 * includes us): then the other CPU is busy, and a helper would wait there for its turn while
 * we wait for it, slower than doing the jobs ourselves (measured under load: 5.8-8.1 ms
 * against 2.7-5.9 ms a boot).
 */
static bool another_task_running(void) {
  char buf[128];
  int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return false;
  buf[n] = 0;
  const char *running = buf; /* "1.00 0.50 0.25 RUNNING/TOTAL LASTPID" */
  for (int field = 0; field < 3 && running; field++)
    if ((running = strchr(running, ' ')))
      running++;
  return running && atoi(running) > 1;
}

/*
 * Only when another CPU is free. Started on our CPU, the helper would take it from us until it
 * is done (wakeup preemption), and the work would be as serial as on one thread: it is kept
 * on the others, and ALL gets every CPU we may use.
 */
static bool start_helper(struct jobs *j, pthread_t *thread, cpu_set_t *all) {
  int here = sched_getcpu();
  if (here < 0 || sched_getaffinity(0, sizeof(*all), all) < 0 || CPU_COUNT(all) < 2 ||
      !CPU_ISSET(here, all) || another_task_running())
    return false;
  cpu_set_t others = *all;
  CPU_CLR(here, &others);
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0)
    return false;
  bool ok = pthread_attr_setstack(&attr, helper_stack, sizeof(helper_stack)) == 0 &&
            pthread_attr_setaffinity_np(&attr, sizeof(others), &others) == 0 &&
            pthread_create(thread, &attr, helper_main, j) == 0;
  pthread_attr_destroy(&attr);
  return ok;
}

enum boot_setup_result boot_setup_run(struct boot_setup *b) {
  struct jobs j = {.b = b};
  cpu_set_t all;
  pthread_t thread;
  bool helper = start_helper(&j, &thread, &all);
  char kvm_err[256];
  int rc = kvm_vm_create(b->cpu, kvm_err, sizeof(kvm_err));
  atomic_store(&j.vm_made, rc == 0 ? 1 : -1);
  if (rc == 0) {
    kvm_vm_split_irqchip(b->cpu);
    rc = kvm_vcpu_create(b->cpu, kvm_err, sizeof(kvm_err));
  }
  take_jobs(&j);
  if (helper) {
    /* Not done yet (not even started, or held up on its CPU): it may finish on ours while
     * we wait. */
    if (!atomic_load(&j.helper_done))
      pthread_setaffinity_np(thread, sizeof(all), &all);
    pthread_join(thread, NULL);
  }
  if (j.load_rc < 0)
    return BOOT_SETUP_BAD_IMAGE;
  if (rc < 0 || j.map_rc < 0 || j.cpuid_rc < 0) {
    snprintf(b->err, sizeof(b->err), "%s",
             rc < 0         ? kvm_err
             : j.map_rc < 0 ? j.map_err
                            : j.cpuid_err);
    return BOOT_SETUP_KVM;
  }
  return BOOT_SETUP_OK;
}
