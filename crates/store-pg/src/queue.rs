//! The job queue on PostgreSQL (see `parallax_store::queue`): one `jobs` table that workers
//! claim from with `FOR UPDATE SKIP LOCKED`, leases that a live worker extends and a dead one
//! lets run out, per-host turns in a `hosts` table shared by every worker, and the workers'
//! heartbeats in `workers`.
//!
//! Placement order is `jobs.seq`: a document takes its number when queued (queuing is
//! serialized by an advisory lock, so numbers are committed in order), a page when it is
//! prepared. The placer places prepared jobs numbered below every document still waiting.

use crate::{backend, connect_migrated};
use parallax_store::queue::{
    ClaimedJob, Failure, JobKind, JobQueue, NewJob, Outcome, QueueStatus, ReadyJob, WorkerInfo, WorkerStatus, ALIVE_SECS, MAX_ATTEMPTS,
};
use parallax_store::StoreError;
use postgres::Client;

/// Taken for the length of a queuing transaction: documents are numbered in commit order.
const ENQUEUE_LOCK: i64 = 0x7061_7261_6c6c_6179;

/// Candidates looked at per claim of web jobs: enough to find a free host behind a busy one.
const WEB_CANDIDATES: i64 = 256;

/// A failed feed poll job is tried again after this long (a feed is never dropped).
const FEED_RETRY: &str = "1 hour";

/// The job queue of a PostgreSQL store, over a connection of its own.
pub struct PgQueue {
    client: Client,
}

impl PgQueue {
    /// Connects (making or migrating the schema, as [`crate::PgStore::connect`] does).
    pub fn connect(url: &str) -> Result<PgQueue, StoreError> {
        let (client, _) = connect_migrated(url)?;
        Ok(PgQueue { client })
    }
}

/// A row of `RETURNING id, kind, input, payload, attempts`.
fn claimed_of(r: &postgres::Row) -> Result<ClaimedJob, StoreError> {
    Ok(ClaimedJob { id: r.get(0), kind: kind_of(r.get(1))?, input: r.get(2), payload: r.get::<_, Option<Vec<u8>>>(3).unwrap_or_default(), attempts: r.get(4) })
}

fn kind_of(s: &str) -> Result<JobKind, StoreError> {
    JobKind::parse(s).ok_or_else(|| StoreError::Backend(format!("unknown job kind {s:?}")))
}

impl JobQueue for PgQueue {
    fn enqueue(&mut self, jobs: &[NewJob]) -> Result<usize, StoreError> {
        let mut tx = self.client.transaction().map_err(backend)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&ENQUEUE_LOCK]).map_err(backend)?;
        let mut queued = 0;
        // documents in one statement, numbered in the order given
        let docs: Vec<&NewJob> = jobs.iter().filter(|j| j.kind == JobKind::Document).collect();
        if !docs.is_empty() {
            let inputs: Vec<&str> = docs.iter().map(|j| j.input.as_str()).collect();
            let payloads: Vec<&[u8]> = docs.iter().map(|j| j.payload.as_slice()).collect();
            let errors: Vec<Option<&str>> = docs.iter().map(|j| j.failed.as_deref()).collect();
            queued += tx
                .execute(
                    "INSERT INTO jobs (kind, input, payload, seq, state, error, done_at)
                     SELECT 'document', u.input, u.payload, nextval('job_order'),
                            CASE WHEN u.error IS NULL THEN 'queued' ELSE 'failed' END, u.error,
                            CASE WHEN u.error IS NULL THEN NULL ELSE now() END
                     FROM unnest($1::text[], $2::bytea[], $3::text[]) WITH ORDINALITY AS u(input, payload, error, n) ORDER BY u.n",
                    &[&inputs, &payloads, &errors],
                )
                .map_err(backend)? as usize;
        }
        for j in jobs.iter().filter(|j| j.kind.fetches()) {
            queued += tx
                .execute(
                    "INSERT INTO jobs (kind, input, host, payload) VALUES ($1, $2, url_host($2), $3)
                     ON CONFLICT (kind, input) WHERE kind <> 'document' DO NOTHING",
                    &[&j.kind.as_str(), &j.input, &j.payload],
                )
                .map_err(backend)? as usize;
        }
        tx.commit().map_err(backend)?;
        Ok(queued)
    }

    fn claim(&mut self, worker: &str, kinds: &[JobKind], max: usize, lease_secs: f64, host_delay_secs: f64) -> Result<Vec<ClaimedJob>, StoreError> {
        let mut claimed = Vec::new();
        let max = max.max(1) as i64;
        let mut tx = self.client.transaction().map_err(backend)?;
        if kinds.contains(&JobKind::Document) {
            let rows = tx
                .query(
                    "UPDATE jobs SET state = 'running', worker = $1, lease_until = now() + $2 * interval '1 second', attempts = attempts + 1
                     WHERE id = ANY(ARRAY(SELECT id FROM jobs WHERE state = 'queued' AND kind = 'document' ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED))
                     RETURNING id, kind, input, payload, attempts",
                    &[&worker, &lease_secs, &max],
                )
                .map_err(backend)?;
            for r in rows {
                claimed.push(claimed_of(&r)?);
            }
        }
        let web: Vec<&str> = kinds.iter().filter(|k| k.fetches()).map(|k| k.as_str()).collect();
        if !web.is_empty() && (claimed.len() as i64) < max {
            let candidates = tx
                .query(
                    "SELECT id, host FROM jobs WHERE state = 'queued' AND kind = ANY($1) AND not_before <= now()
                     ORDER BY not_before, id LIMIT $2 FOR UPDATE SKIP LOCKED",
                    &[&web, &WEB_CANDIDATES],
                )
                .map_err(backend)?;
            let mut tried: Vec<String> = Vec::new();
            for c in candidates {
                if claimed.len() as i64 >= max {
                    break;
                }
                let (id, host): (i64, Option<String>) = (c.get(0), c.get(1));
                let host = host.unwrap_or_default();
                if tried.contains(&host) {
                    continue;
                }
                tried.push(host.clone());
                // a host's turn, taken under its row lock: another worker taking the same turn
                // waits for this transaction, then finds the turn gone
                tx.execute("INSERT INTO hosts (host) VALUES ($1) ON CONFLICT DO NOTHING", &[&host]).map_err(backend)?;
                let turn = tx
                    .execute(
                        "UPDATE hosts SET next_at = clock_timestamp() + $2 * interval '1 second' WHERE host = $1 AND next_at <= clock_timestamp()",
                        &[&host, &host_delay_secs],
                    )
                    .map_err(backend)?;
                if turn == 0 {
                    continue;
                }
                let r = tx
                    .query_one(
                        "UPDATE jobs SET state = 'running', worker = $1, lease_until = now() + $2 * interval '1 second', attempts = attempts + 1
                         WHERE id = $3 RETURNING id, kind, input, payload, attempts",
                        &[&worker, &lease_secs, &id],
                    )
                    .map_err(backend)?;
                claimed.push(claimed_of(&r)?);
            }
        }
        tx.commit().map_err(backend)?;
        claimed.sort_by_key(|j| j.id);
        Ok(claimed)
    }

    fn finish(&mut self, worker: &str, outcomes: &[(i64, Outcome)]) -> Result<usize, StoreError> {
        let mut tx = self.client.transaction().map_err(backend)?;
        // rows locked in one order by every writer: no deadlock with another transaction
        let all: Vec<i64> = outcomes.iter().map(|o| o.0).collect();
        tx.execute("SELECT id FROM jobs WHERE id = ANY($1) AND worker = $2 AND state = 'running' ORDER BY id FOR UPDATE", &[&all, &worker]).map_err(backend)?;
        let (mut ids, mut results) = (Vec::new(), Vec::new());
        let mut ended = 0;
        for (id, outcome) in outcomes {
            match outcome {
                Outcome::Prepared(bytes) => {
                    ids.push(*id);
                    results.push(bytes.as_slice());
                }
                Outcome::Failed(error) => {
                    ended += tx
                        .execute(
                            "UPDATE jobs SET state = 'failed', error = $3, done_at = now(), worker = NULL, lease_until = NULL
                             WHERE id = $1 AND worker = $2 AND state = 'running'",
                            &[id, &worker, error],
                        )
                        .map_err(backend)? as usize;
                }
                Outcome::Again { after_secs } => {
                    ended += tx
                        .execute(
                            "UPDATE jobs SET state = 'queued', not_before = now() + $3 * interval '1 second', done_at = now(), worker = NULL,
                                    lease_until = NULL, attempts = 0
                             WHERE id = $1 AND worker = $2 AND state = 'running'",
                            &[id, &worker, &(*after_secs as f64)],
                        )
                        .map_err(backend)? as usize;
                }
            }
        }
        if !ids.is_empty() {
            ended += tx
                .execute(
                    "UPDATE jobs j SET state = 'prepared', result = u.result, seq = COALESCE(j.seq, nextval('job_order')), done_at = now(),
                            worker = NULL, lease_until = NULL
                     FROM unnest($1::bigint[], $2::bytea[]) AS u(id, result)
                     WHERE j.id = u.id AND j.worker = $3 AND j.state = 'running'",
                    &[&ids, &results, &worker],
                )
                .map_err(backend)? as usize;
        }
        tx.commit().map_err(backend)?;
        Ok(ended)
    }

    fn heartbeat(&mut self, w: &WorkerInfo, lease_secs: f64, jobs_done: i64, placing: bool) -> Result<(), StoreError> {
        // the worker's row alone: its jobs' leases are extended by this row, not by writing the
        // jobs (which the worker's own threads are writing: two connections writing the same
        // rows in different orders deadlock)
        self.client
            .execute(
                "INSERT INTO workers (id, host, dir, pid, threads, jobs_done, is_placer, lease_secs) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (id) DO UPDATE SET seen_at = now(), jobs_done = excluded.jobs_done, is_placer = excluded.is_placer, lease_secs = excluded.lease_secs",
                &[&w.id, &w.host, &w.dir, &(w.pid as i64), &(w.threads as i32), &jobs_done, &placing, &lease_secs],
            )
            .map_err(backend)?;
        Ok(())
    }

    fn release(&mut self, claimer: &str) -> Result<usize, StoreError> {
        let n = self
            .client
            .execute(
                "UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0) WHERE worker = $1 AND state = 'running'",
                &[&claimer],
            )
            .map_err(backend)?;
        Ok(n as usize)
    }

    fn retire(&mut self, worker: &str) -> Result<(), StoreError> {
        let mut tx = self.client.transaction().map_err(backend)?;
        tx.execute(
            "UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0)
             WHERE (worker = $1 OR worker LIKE $1 || '/%') AND state = 'running'",
            &[&worker],
        )
        .map_err(backend)?;
        tx.execute("DELETE FROM workers WHERE id = $1", &[&worker]).map_err(backend)?;
        tx.commit().map_err(backend)
    }

    fn reclaim_expired(&mut self) -> Result<usize, StoreError> {
        // a job's lease has run out when the lease of its claim has and its worker has not been
        // heard from within its own lease; rows being written right now are skipped, not waited
        // for (and never locked in an order that could deadlock with their writer)
        let n = self
            .client
            .execute(
                "UPDATE jobs SET
                    state = CASE WHEN attempts >= $1 THEN 'failed' ELSE 'queued' END,
                    error = CASE WHEN attempts >= $1
                        THEN 'its worker stopped answering ' || attempts || ' times while on it (killed, or lost with its machine); not tried again'
                        ELSE error END,
                    done_at = CASE WHEN attempts >= $1 THEN now() ELSE done_at END,
                    worker = NULL, lease_until = NULL
                 WHERE id IN (
                    SELECT id FROM jobs j WHERE state = 'running' AND lease_until < now()
                       AND NOT EXISTS (SELECT 1 FROM workers w WHERE w.id = split_part(j.worker, '/', 1) AND w.seen_at > now() - w.lease_secs * interval '1 second')
                    ORDER BY id FOR UPDATE SKIP LOCKED)",
                &[&MAX_ATTEMPTS],
            )
            .map_err(backend)?;
        // workers unheard of for a day are gone for good
        self.client.execute("DELETE FROM workers WHERE seen_at < now() - interval '1 day'", &[]).map_err(backend)?;
        Ok(n as usize)
    }

    fn schedule_feeds(&mut self) -> Result<usize, StoreError> {
        let n = self
            .client
            .execute(
                &format!(
                    "INSERT INTO jobs (kind, input, host, not_before)
                     SELECT 'feed', url, url_host(url), to_timestamp(next_check) FROM feeds WHERE enabled
                     ON CONFLICT (kind, input) WHERE kind <> 'document' DO UPDATE SET state = 'queued', attempts = 0, not_before = now()
                     WHERE jobs.state = 'failed' AND jobs.done_at < now() - interval '{FEED_RETRY}'"
                ),
                &[],
            )
            .map_err(backend)?;
        Ok(n as usize)
    }

    fn ready_to_place(&mut self, max: usize) -> Result<Vec<ReadyJob>, StoreError> {
        let rows = self
            .client
            .query(
                "SELECT id, input, result FROM jobs
                 WHERE state = 'prepared'
                   AND seq < COALESCE((SELECT min(seq) FROM jobs WHERE state IN ('queued', 'running') AND seq IS NOT NULL), 9223372036854775807)
                 ORDER BY seq LIMIT $1",
                &[&(max as i64)],
            )
            .map_err(backend)?;
        Ok(rows.iter().map(|r| ReadyJob { id: r.get(0), input: r.get(1), prepared: r.get::<_, Option<Vec<u8>>>(2).unwrap_or_default() }).collect())
    }

    fn mark_placed(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        self.client
            .execute("UPDATE jobs SET state = 'placed', payload = NULL, result = NULL, placed_at = now() WHERE id = ANY($1) AND state = 'prepared'", &[&ids])
            .map_err(backend)?;
        Ok(())
    }

    fn backlog(&mut self) -> Result<(bool, bool), StoreError> {
        let r = self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'running')
                     OR EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND kind = 'document')
                     OR EXISTS (SELECT 1 FROM jobs WHERE state = 'queued' AND kind <> 'document' AND not_before <= now()),
                        EXISTS (SELECT 1 FROM jobs WHERE state = 'prepared')",
                &[],
            )
            .map_err(backend)?;
        Ok((r.get(0), r.get(1)))
    }

    fn status(&mut self, failures: usize) -> Result<QueueStatus, StoreError> {
        let c = &mut self.client;
        let mut status = QueueStatus::default();
        for r in c.query("SELECT kind, state, count(*) FROM jobs GROUP BY kind, state ORDER BY kind, state", &[]).map_err(backend)? {
            status.counts.push((kind_of(r.get(0))?, r.get(1), r.get(2)));
        }
        let rates = c
            .query_one(
                "SELECT (SELECT count(*) FROM jobs WHERE done_at > now() - interval '1 minute') / 60.0::float8,
                        (SELECT count(*) FROM jobs WHERE placed_at > now() - interval '1 minute') / 60.0::float8",
                &[],
            )
            .map_err(backend)?;
        (status.prepared_per_sec, status.placed_per_sec) = (rates.get(0), rates.get(1));
        for r in c
            .query(
                "SELECT id, host, dir, pid, threads, extract(epoch FROM now() - seen_at)::float8, jobs_done, is_placer FROM workers
                 WHERE seen_at > now() - $1 * interval '1 second' ORDER BY started_at, id",
                &[&ALIVE_SECS],
            )
            .map_err(backend)?
        {
            status.workers.push(WorkerStatus {
                info: WorkerInfo { id: r.get(0), host: r.get(1), dir: r.get(2), pid: r.get::<_, i64>(3) as u32, threads: r.get::<_, i32>(4) as u32 },
                seen_secs_ago: r.get(5),
                jobs_done: r.get(6),
                placing: r.get(7),
            });
        }
        status.failed = status.counts.iter().filter(|c| c.1 == "failed").map(|c| c.2).sum();
        for r in c
            .query("SELECT id, kind, input, coalesce(error, ''), attempts FROM jobs WHERE state = 'failed' ORDER BY id DESC LIMIT $1", &[&(failures as i64)])
            .map_err(backend)?
        {
            status.failures.push(Failure { id: r.get(0), kind: kind_of(r.get(1))?, input: r.get(2), error: r.get(3), attempts: r.get(4) });
        }
        Ok(status)
    }
}
