/*
 * job: one run of either recalculator, as main drives it: configure (env,
 * flags, checks; nothing connects), run (two connections, the drift engine,
 * the summary line), publish (the metrics), release.
 *
 * Every step returns enum dr_err; dr_exit_status() maps it to the
 * documented exit code.  A failure is logged where it is detected.
 */
#ifndef PKG_JOB_JOB_H
#define PKG_JOB_JOB_H

#include "../util/util.h"
#include "../config/config.h"
#include "../recalc/recalc.h"

#define JOB_DBNAME_MAX 128

struct job {
    struct config cfg;
    struct recalc_report report;
    char dbname[JOB_DBNAME_MAX]; /* the DATABASE_NAME dimension */
    bool configured;
};

/* Reads the configuration and sets up logging.  On CFG_ACTION_HELP or
 * CFG_ACTION_VERSION nothing else is set up; main prints and exits.  A bad
 * configuration is logged as one line and returns DR_ECONFIG. */
DR_WARN_UNUSED enum dr_err job_configure(struct job *job, enum cfg_job kind,
                                         int argc, char *const *argv,
                                         enum cfg_action *action_out);

/* Connects, recalculates and logs the summary line. */
DR_WARN_UNUSED enum dr_err job_run(struct job *job);

/* Publishes the run's metrics where configured.  DR_EMETRICS on failure,
 * after saying that the database corrections are committed. */
DR_WARN_UNUSED enum dr_err job_publish(struct job *job);

void job_release(struct job *job);

/* --version: the job's version and git revision and the libraries built
 * in. */
void job_print_version(enum cfg_job kind, FILE *out);

#endif /* PKG_JOB_JOB_H */
