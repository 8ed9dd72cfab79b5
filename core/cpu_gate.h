#ifndef VX_CPU_GATE_H
#define VX_CPU_GATE_H

/*
 * At most N threads computing at once, the oldest job first.
 *
 * Threads that get the CPU last (the /probe pool's, at SCHED_IDLE) share
 * it among all that are runnable: a thousand polls all progress, all end
 * late, and one that is preempted while it holds a lock (malloc's, a
 * queue's) makes whoever waits for that lock wait behind all the others.
 * Through a gate, only N of them compute at a time, in the order of their
 * tickets (a poll's start: the first polls end first), and a lock holder
 * waits behind N - 1 at most.
 *
 * The gate is the calling thread's (vx_cpu_gate_join); without one, every
 * call here does nothing, so transports call them whoever runs them:
 * vx_cpu_enter and vx_cpu_leave around their work (nested: the outermost
 * pair counts), vx_cpu_block_begin and vx_cpu_block_end around any wait
 * (poll(2), a condition variable), during which the slot is someone
 * else's.  A thread must not wait for another gated thread's progress
 * while it holds a slot.
 */

#include <stdint.h>

struct vx_cpu_gate;

/* A gate of slots (at least 1).  NULL on out-of-memory. */
struct vx_cpu_gate	*vx_cpu_gate_new(unsigned slots);
/* No thread may hold or wait for one of its slots any more. */
void			 vx_cpu_gate_free(struct vx_cpu_gate *g);

/*
 * The calling thread's gate from now on (NULL: none), and its ticket:
 * the smaller, the sooner it gets a slot.  Not while it holds one.
 */
void	vx_cpu_gate_join(struct vx_cpu_gate *g, uint64_t ticket);

void	vx_cpu_enter(void);
void	vx_cpu_leave(void);
void	vx_cpu_block_begin(void);
void	vx_cpu_block_end(void);

/* What a gate is doing, and has done. */
struct vx_cpu_gate_stats {
	unsigned	free;		/* slots nobody holds now */
	unsigned	waiting;	/* threads waiting for one now */
	uint64_t	waits;		/* times a thread had to wait */
	uint64_t	wait_ns;	/* the time they waited, in all */
};

void	vx_cpu_gate_stats(struct vx_cpu_gate *g, struct vx_cpu_gate_stats *st);

#endif
