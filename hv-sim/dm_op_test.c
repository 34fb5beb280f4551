// SPDX-License-Identifier: GPL-2.0-only
/*
 * __HYPERVISOR_dm_op as a program makes it through privcmd
 * (IOCTL_PRIVCMD_DM_OP): Xen 4.17's checks in Xen's order
 * (xen/common/dm.c do_dm_op, xen/arch/x86/hvm/dm.c dm_op), then
 * XEN_DMOP_nr_vcpus answered and every op that needs a device model
 * refused.  The program's memory is a guest_mem_buffer at fake addresses.
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "guest_mem.h"
#include "privcmd_hypercall.h"
#include <xen/hvm/dm_op.h>
#include "test_support.h"

#define BASE   0x7f0000100000ULL
#define BUFS   (BASE)              /* the xen_dm_op_buf array */
#define OP     (BASE + 0x1000)     /* the struct xen_dm_op */
#define WILD   0x7f0000900000ULL   /* mapped nowhere */

static uint8_t mem[0x2000];
static struct guest_mem_buffer gm;
static struct domain *dom0, *guest;

static void setup(void)
{
	hvtest_reset();
	dom0 = hvtest_domain("Domain-0");
	guest = hvtest_domain("guest");
	memset(mem, 0, sizeof(mem));
	guest_mem_buffer_init(&gm);
	ck_assert_int_eq(guest_mem_buffer_add(&gm, BASE, mem, sizeof(mem), true), 0);
}

static void teardown(void)
{
	domain_destroy_all();
}

static struct xen_dm_op *op_at(void)
{
	return (struct xen_dm_op *)(mem + (OP - BASE));
}

/* One buffer holding the op, `size` bytes long as the caller says. */
static void one_buf(uint32_t op, uint64_t size)
{
	struct xen_dm_op_buf b = { .size = size };

	set_xen_guest_handle(b.h, (void *)(uintptr_t)OP);
	memcpy(mem, &b, sizeof(b));
	op_at()->op = op;
}

static long call(struct domain *cur, domid_t domid, unsigned int nr)
{
	return dm_op_hypercall(cur, domid, nr, BUFS, &gm.mem);
}

START_TEST(nr_vcpus_of_a_domu_from_dom0)
{
	one_buf(XEN_DMOP_nr_vcpus, sizeof(struct xen_dm_op));
	op_at()->u.nr_vcpus.vcpus = 77;
	ck_assert_int_eq(call(dom0, guest->domid, 1), 0);
	ck_assert_uint_eq(op_at()->u.nr_vcpus.vcpus, 1);
}
END_TEST

START_TEST(checks_in_xens_order)
{
	one_buf(XEN_DMOP_nr_vcpus, sizeof(struct xen_dm_op));
	/* more buffers than any op takes: before anything is read */
	ck_assert_int_eq(dm_op_hypercall(dom0, guest->domid, 3, WILD, &gm.mem), -E2BIG);
	/* the array is read next */
	ck_assert_int_eq(dm_op_hypercall(dom0, guest->domid, 1, WILD, &gm.mem), -EFAULT);
	/* a missing domain, DOMID_SELF (no remote domain by that number) */
	ck_assert_int_eq(call(dom0, 999, 1), -ESRCH);
	ck_assert_int_eq(call(dom0, DOMID_SELF, 1), -ESRCH);
	/* never the caller itself */
	ck_assert_int_eq(call(dom0, 0, 1), -EPERM);
	/* a domU is no device model of another domain */
	ck_assert_int_eq(call(guest, 0, 1), -EPERM);
	/* a buffer too short for the header, then for the op's member */
	one_buf(XEN_DMOP_nr_vcpus, offsetof(struct xen_dm_op, u) - 1);
	ck_assert_int_eq(call(dom0, guest->domid, 1), -EFAULT);
	one_buf(XEN_DMOP_nr_vcpus, offsetof(struct xen_dm_op, u));
	ck_assert_int_eq(call(dom0, guest->domid, 1), -EFAULT);
	/* no buffer at all: nothing to read the op from */
	ck_assert_int_eq(call(dom0, guest->domid, 0), -EFAULT);
	/* pad must be zero */
	one_buf(XEN_DMOP_nr_vcpus, sizeof(struct xen_dm_op));
	op_at()->pad = 1;
	ck_assert_int_eq(call(dom0, guest->domid, 1), -EINVAL);
}
END_TEST

START_TEST(unknown_and_device_model_ops_are_not_supported)
{
	one_buf(XEN_DMOP_nr_vcpus + 1, sizeof(struct xen_dm_op));
	ck_assert_int_eq(call(dom0, guest->domid, 1), -EOPNOTSUPP);
	one_buf(XEN_DMOP_create_ioreq_server, sizeof(struct xen_dm_op));
	ck_assert_int_eq(call(dom0, guest->domid, 1), -EOPNOTSUPP);
	one_buf(XEN_DMOP_remote_shutdown, sizeof(struct xen_dm_op));
	ck_assert_int_eq(call(dom0, guest->domid, 1), -EOPNOTSUPP);
	ck_assert_int_eq(guest->state, DOMAIN_RUNNING);
}
END_TEST

START_TEST(dispatched_from_the_hypercall_number)
{
	uint64_t args[5] = { guest->domid, 1, BUFS };

	one_buf(XEN_DMOP_nr_vcpus, sizeof(struct xen_dm_op));
	ck_assert_int_eq(privcmd_hypercall(dom0, &gm.mem, __HYPERVISOR_dm_op, args), 0);
	ck_assert_uint_eq(op_at()->u.nr_vcpus.vcpus, 1);
}
END_TEST

static Suite *dm_op_suite(void)
{
	Suite *s = suite_create("dm_op");
	TCase *tc = tcase_create("dm_op");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, nr_vcpus_of_a_domu_from_dom0);
	tcase_add_test(tc, checks_in_xens_order);
	tcase_add_test(tc, unknown_and_device_model_ops_are_not_supported);
	tcase_add_test(tc, dispatched_from_the_hypercall_number);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return hvtest_run(dm_op_suite());
}
