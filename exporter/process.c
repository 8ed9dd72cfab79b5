#include "process.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Seconds since the epoch at which the system booted. */
static double
boot_time(void)
{
	FILE	*f = fopen("/proc/stat", "r");
	char	 line[256];
	double	 bt = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long v;

		if (sscanf(line, "btime %llu", &v) == 1) {
			bt = (double)v;
			break;
		}
	}
	fclose(f);
	return bt;
}

void
vx_process_stats_read(struct vx_process_stats *out)
{
	char			 buf[2048];
	FILE			*f;
	size_t			 n;
	const char		*p;
	unsigned long		 utime, stime;
	unsigned long long	 starttime;
	unsigned long		 vsize;
	long			 rss;
	long			 tck = sysconf(_SC_CLK_TCK);
	long			 page = sysconf(_SC_PAGESIZE);
	DIR			*d;
	struct rlimit		 rl;

	memset(out, 0, sizeof(*out));
	f = fopen("/proc/self/stat", "r");
	if (f == NULL)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may contain spaces: fields start after ')'. */
	p = strrchr(buf, ')');
	if (p == NULL || tck <= 0)
		return;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu "
	    "%*d %*d %*d %*d %*d %*d %llu %lu %ld", &utime, &stime, &starttime,
	    &vsize, &rss) != 5)
		return;
	out->cpu_seconds = (double)(utime + stime) / (double)tck;
	out->vsize_bytes = vsize;
	out->rss_bytes = (uint64_t)rss * (uint64_t)page;
	out->start_time_seconds = boot_time() + (double)starttime / (double)tck;
	d = opendir("/proc/self/fd");
	if (d != NULL) {
		struct dirent *e;

		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] != '.')
				out->open_fds++;
		}
		closedir(d);
		out->open_fds--;	/* the directory stream itself */
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		out->max_fds = rl.rlim_cur;
	out->valid = true;
}
