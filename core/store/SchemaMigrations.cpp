#include "store/SchemaMigrations.h"

namespace mtm::core {

const QVector<SchemaMigration> &schemaMigrations()
{
    // Never edit a migration that has shipped: append a new one. Times are ISO 8601 UTC text.
    // AUTOINCREMENT: an id is never reused, so datasets/<id> and models/job_<id> never meet a stranger.
    static const QVector<SchemaMigration> migrations = {
        {1,
         QStringLiteral("datasets, jobs and job metrics"),
         {
             QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId),
             QStringLiteral(R"(CREATE TABLE datasets (
                 id                 INTEGER PRIMARY KEY AUTOINCREMENT,
                 name               TEXT    NOT NULL CHECK (length(trim(name)) > 0),
                 original_file_name TEXT    NOT NULL,
                 container          TEXT    NOT NULL CHECK (container IN ('csv', 'json', 'jsonl')),
                 record_schema      TEXT    NOT NULL,
                 record_count       INTEGER NOT NULL CHECK (record_count >= 0),
                 skipped_count      INTEGER NOT NULL DEFAULT 0 CHECK (skipped_count >= 0),
                 bytes              INTEGER NOT NULL CHECK (bytes >= 0),
                 sha256             TEXT    NOT NULL,
                 storage_dir        TEXT    NOT NULL,
                 report_json        TEXT    NOT NULL DEFAULT '{}',
                 created_at         TEXT    NOT NULL
             ))"),
             QStringLiteral(R"(CREATE TABLE jobs (
                 id            INTEGER PRIMARY KEY AUTOINCREMENT,
                 name          TEXT    NOT NULL CHECK (length(trim(name)) > 0),
                 description   TEXT    NOT NULL DEFAULT '',
                 training_type TEXT    NOT NULL CHECK (training_type IN ('qlora', 'unsloth', 'rag', 'standard')),
                 model_name    TEXT    NOT NULL,
                 dataset_id    INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
                 config_json   TEXT    NOT NULL,
                 state         TEXT    NOT NULL DEFAULT 'queued'
                               CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
                 current_step  INTEGER NOT NULL DEFAULT 0,
                 total_steps   INTEGER NOT NULL DEFAULT 0,
                 error_message TEXT,
                 output_dir    TEXT,
                 created_at    TEXT    NOT NULL,
                 started_at    TEXT,
                 finished_at   TEXT,
                 updated_at    TEXT    NOT NULL
             ))"),
             QStringLiteral("CREATE INDEX jobs_by_state ON jobs(state)"),
             QStringLiteral("CREATE INDEX jobs_by_dataset ON jobs(dataset_id)"),
             QStringLiteral(R"(CREATE TABLE job_metrics (
                 job_id            INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                 step              INTEGER NOT NULL CHECK (step >= 0),
                 epoch             REAL,
                 loss              REAL,
                 eval_loss         REAL,
                 learning_rate     REAL,
                 grad_norm         REAL,
                 tokens_per_second REAL,
                 memory_bytes      INTEGER,
                 recorded_at       TEXT    NOT NULL,
                 PRIMARY KEY (job_id, step)
             ) WITHOUT ROWID)"),
         }},
        {2,
         QStringLiteral("jobs of every method the trainer runs (lora), and the interrupted state"),
         {
             QStringLiteral(R"(CREATE TABLE jobs_v2 (
                 id            INTEGER PRIMARY KEY AUTOINCREMENT,
                 name          TEXT    NOT NULL CHECK (length(trim(name)) > 0),
                 description   TEXT    NOT NULL DEFAULT '',
                 training_type TEXT    NOT NULL
                               CHECK (training_type IN ('qlora', 'unsloth', 'lora', 'standard', 'rag')),
                 model_name    TEXT    NOT NULL,
                 dataset_id    INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
                 config_json   TEXT    NOT NULL,
                 state         TEXT    NOT NULL DEFAULT 'queued'
                               CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled',
                                                'interrupted')),
                 current_step  INTEGER NOT NULL DEFAULT 0,
                 total_steps   INTEGER NOT NULL DEFAULT 0,
                 error_message TEXT,
                 output_dir    TEXT,
                 created_at    TEXT    NOT NULL,
                 started_at    TEXT,
                 finished_at   TEXT,
                 updated_at    TEXT    NOT NULL
             ))"),
             QStringLiteral("INSERT INTO jobs_v2 SELECT * FROM jobs"),
             // The highest id ever given stays, so that a deleted job's id is never given again.
             QStringLiteral("DELETE FROM sqlite_sequence WHERE name = 'jobs_v2'"),
             QStringLiteral("INSERT INTO sqlite_sequence (name, seq) SELECT 'jobs_v2', seq FROM sqlite_sequence "
                            "WHERE name = 'jobs'"),
             QStringLiteral("DROP TABLE jobs"),
             QStringLiteral("ALTER TABLE jobs_v2 RENAME TO jobs"),
             QStringLiteral("CREATE INDEX jobs_by_state ON jobs(state)"),
             QStringLiteral("CREATE INDEX jobs_by_dataset ON jobs(dataset_id)"),
         },
         true},
        {3,
         QStringLiteral("the process running a job and its heartbeat, cancel requests, and each job's log"),
         {
             // A job is running while its runner process is alive and beats; one that stopped beating was
             // interrupted (a crash, a power cut) and can be resumed from its last checkpoint.
             QStringLiteral("ALTER TABLE jobs ADD COLUMN runner_pid INTEGER"),
             QStringLiteral("ALTER TABLE jobs ADD COLUMN heartbeat_at TEXT"),
             // Cancel asked from another process (the command line while the app runs the job, or the other way).
             QStringLiteral("ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0"),
             QStringLiteral(R"(CREATE TABLE job_logs (
                 job_id      INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                 line        INTEGER NOT NULL CHECK (line >= 1),
                 recorded_at TEXT    NOT NULL,
                 message     TEXT    NOT NULL,
                 PRIMARY KEY (job_id, line)
             ) WITHOUT ROWID)"),
         }},
    };
    return migrations;
}

int latestSchemaVersion()
{
    return schemaMigrations().constLast().version;
}

} // namespace mtm::core
