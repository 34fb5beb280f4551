/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU masks for a kernel with one vCPU: cpu 0 is possible, present and
 * online, and a mask is one word.
 */
#ifndef _LINUX_CPUMASK_H
#define _LINUX_CPUMASK_H

#include <linux/bitops.h>
#include <linux/threads.h>

struct cpumask {
	unsigned long bits[BITS_TO_LONGS(NR_CPUS)];
};
typedef struct cpumask cpumask_t;
typedef struct cpumask cpumask_var_t[1];

#define nr_cpu_ids		1U
#define cpumask_bits(maskp)	((maskp)->bits)

extern const struct cpumask __cpu_one_mask;
#define cpu_possible_mask	(&__cpu_one_mask)
#define cpu_online_mask		(&__cpu_one_mask)
#define cpu_present_mask	(&__cpu_one_mask)
#define cpu_active_mask		(&__cpu_one_mask)

static inline const struct cpumask *cpumask_of(unsigned int cpu)
{
	(void)cpu;
	return &__cpu_one_mask;
}

static inline bool cpu_online(unsigned int cpu)
{
	return cpu == 0;
}

static inline unsigned int cpumask_next(int n, const struct cpumask *srcp)
{
	return find_next_bit(cpumask_bits(srcp), nr_cpu_ids, n + 1);
}

static inline unsigned int cpumask_next_and(int n, const struct cpumask *a,
					    const struct cpumask *b)
{
	for (n++; n < (int)nr_cpu_ids; n++)
		if (test_bit(n, cpumask_bits(a)) && test_bit(n, cpumask_bits(b)))
			break;
	return n;
}

static inline unsigned int cpumask_first(const struct cpumask *srcp)
{
	return find_first_bit(cpumask_bits(srcp), nr_cpu_ids);
}

static inline void cpumask_copy(struct cpumask *dst, const struct cpumask *src)
{
	*dst = *src;
}

static inline bool cpumask_test_cpu(int cpu, const struct cpumask *m)
{
	return test_bit(cpu, cpumask_bits(m));
}

#define for_each_cpu(cpu, mask) \
	for ((cpu) = -1; (cpu) = cpumask_next((cpu), (mask)), (cpu) < nr_cpu_ids;)
#define for_each_cpu_and(cpu, mask1, mask2) \
	for ((cpu) = -1; (cpu) = cpumask_next_and((cpu), (mask1), (mask2)), \
	     (cpu) < nr_cpu_ids;)
#define for_each_possible_cpu(cpu)	for_each_cpu((cpu), cpu_possible_mask)
#define for_each_online_cpu(cpu)	for_each_cpu((cpu), cpu_online_mask)
#define for_each_present_cpu(cpu)	for_each_cpu((cpu), cpu_present_mask)

#endif
