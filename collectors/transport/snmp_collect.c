/* The collect step shared by the SNMP collectors (snmp_collect.h). */
#include "snmp_collect.h"

#include "collector.h"

#include "banned.h"

int
vx_snmp_dev_collect(void *arg, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap, struct vx_err *err)
{
	struct vx_snmp_dev		*d = arg;
	const struct vx_snmp_mapper	*mp = d->poller->mapper;
	struct vx_snmp			*sess = NULL;
	void				*m;
	int				 rc;

	rc = vx_snmp_dev_open(d, target, deadline, &sess, err);
	if (rc != 0)
		return rc;
	m = mp->create();
	if (m == NULL)
		rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
	else
		rc = d->poller->poll(d, sess, m, deadline, err);
	snap->requests = vx_snmp_requests(sess);
	vx_snmp_close(sess);
	if (rc == 0)
		rc = mp->finish(m, snap, err);
	mp->free(m);
	return rc;
}
