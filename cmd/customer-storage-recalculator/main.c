/*
 * customer-storage-recalculator: configure, run, report.  Everything else lives
 * in pkg/; see README.md for what the job does and docs/design.md for how.
 */
#include "../../pkg/util/util.h"

#include "../../pkg/job/job.h"

#include <curl/curl.h>

int main(int argc, char **argv)
{
    enum cfg_action action;
    struct job job;
    enum dr_err rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT))
        return DR_EXIT_INTERNAL;
    rc = job_configure(&job, CFG_JOB_CUSTOMER_STORAGE, argc, argv, &action);
    if (!rc && action == CFG_ACTION_HELP)
        cfg_print_help(CFG_JOB_CUSTOMER_STORAGE, stdout);
    else if (!rc && action == CFG_ACTION_VERSION)
        job_print_version(CFG_JOB_CUSTOMER_STORAGE, stdout);
    else if (!rc)
        rc = job_run(&job);
    if (!rc && action == CFG_ACTION_RUN)
        rc = job_publish(&job);
    job_release(&job);
    curl_global_cleanup();
    return dr_exit_status(rc);
}
