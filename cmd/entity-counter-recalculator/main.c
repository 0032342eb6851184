/*
 * entity-counter-recalculator: configure, run, report.  Everything else lives
 * in pkg/; see README.md for what the job does and docs/design.md for how.
 */
#include "../../pkg/util/util.h"

#include "../../pkg/job/job.h"

int main(int argc, char **argv)
{
    enum cfg_action action;
    struct job job;
    enum dr_err rc;

    rc = job_configure(&job, CFG_JOB_ENTITY_COUNTERS, argc, argv, &action);
    if (!rc && action == CFG_ACTION_HELP)
        cfg_print_help(CFG_JOB_ENTITY_COUNTERS, stdout);
    else if (!rc && action == CFG_ACTION_VERSION)
        job_print_version(CFG_JOB_ENTITY_COUNTERS, stdout);
    else if (!rc)
        rc = job_run(&job);
    if (!rc && action == CFG_ACTION_RUN)
        rc = job_publish(&job);
    job_release(&job);
    return dr_exit_status(rc);
}
