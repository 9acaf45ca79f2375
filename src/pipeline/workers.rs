//! The threads of a batch: one reader, one worker per detector, and the calling thread taking
//! what they produce. The run and the audit both use it.

use std::time::Instant;

use crossbeam_channel::{bounded, unbounded, SendError, Sender};

use crate::budget::TimeSum;
use crate::detect::Detector;
use crate::error::Result;

/// Jobs a worker may have waiting for it: enough to keep it busy, few enough that pages read
/// ahead do not pile up in memory.
const JOBS_WAITING_PER_WORKER: usize = 2;

/// Where a batch's threads spend their time besides working on pages, as it goes: the serial
/// parts and the waits.
#[derive(Debug, Default)]
pub struct ThreadClock {
    /// The reader's time opening documents and rendering pages, not counting its waits for a
    /// free worker.
    pub reading: TimeSum,
    /// The calling thread's time taking outcomes (writing outputs and the manifest).
    pub taking: TimeSum,
    /// The workers' time waiting for the reader, added up.
    pub waiting_for_reader: TimeSum,
}

/// The reader's end of the job queue: sends jobs, counting the time it waits for room as not
/// reading.
pub struct Jobs<'a, Job> {
    sender: Sender<Job>,
    blocked: &'a TimeSum,
}

impl<Job> Jobs<'_, Job> {
    /// Sends a job, waiting while every worker has enough; an error once the workers are gone.
    pub fn send(&self, job: Job) -> std::result::Result<(), SendError<Job>> {
        let started = Instant::now();
        let sent = self.sender.send(job);
        self.blocked.add(started.elapsed());
        sent
    }
}

/// Runs `read` on a thread of its own and one worker per detector on others, all scoped. The
/// reader sends jobs (it alone opens documents, so PDFium is called from one thread) and may
/// send outcomes itself (a file that failed to open); each worker turns jobs into outcomes with
/// its own detector; the calling thread hands every outcome to `take` as it arrives. `clock`
/// keeps the time of each part as they go. Returns once all threads are done, or with the first
/// error `take` gives (the threads then stop at their next send).
pub fn fan_out<Job: Send, Outcome: Send>(
    detectors: Vec<Box<dyn Detector>>,
    clock: &ThreadClock,
    read: impl FnOnce(Jobs<Job>, Sender<Outcome>) + Send,
    work: impl Fn(&mut dyn Detector, Job) -> Outcome + Sync,
    mut take: impl FnMut(Outcome) -> Result<()>,
) -> Result<()> {
    let workers = detectors.len().max(1);
    let (job_tx, job_rx) = bounded::<Job>(workers * JOBS_WAITING_PER_WORKER);
    let (out_tx, out_rx) = unbounded::<Outcome>();
    std::thread::scope(|scope| -> Result<()> {
        let reader_out = out_tx.clone();
        scope.spawn(move || {
            let blocked = TimeSum::default();
            let started = Instant::now();
            read(
                Jobs {
                    sender: job_tx,
                    blocked: &blocked,
                },
                reader_out,
            );
            let busy = started.elapsed().saturating_sub(blocked.total());
            clock.reading.add(busy);
        });
        for mut detector in detectors {
            let (jobs, results, work) = (job_rx.clone(), out_tx.clone(), &work);
            scope.spawn(move || loop {
                let waited = Instant::now();
                let Ok(job) = jobs.recv() else { break };
                clock.waiting_for_reader.add(waited.elapsed());
                if results.send(work(detector.as_mut(), job)).is_err() {
                    break;
                }
            });
        }
        drop(out_tx);
        drop(job_rx);
        for outcome in out_rx {
            let started = Instant::now();
            take(outcome)?;
            clock.taking.add(started.elapsed());
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::ScriptedDetector;

    #[test]
    fn every_job_and_every_outcome_of_the_reader_reaches_the_taker() {
        let detectors = ScriptedDetector::new().workers(3);
        let mut taken = Vec::new();
        let clock = ThreadClock::default();
        fan_out(
            detectors,
            &clock,
            |jobs: Jobs<u32>, outcomes: Sender<u32>| {
                outcomes.send(1000).unwrap();
                for job in 0..50 {
                    jobs.send(job).unwrap();
                }
            },
            |_, job| job * 2,
            |outcome| {
                taken.push(outcome);
                Ok(())
            },
        )
        .unwrap();
        taken.sort_unstable();
        let mut wanted: Vec<u32> = (0..50).map(|j| j * 2).collect();
        wanted.push(1000);
        assert_eq!(taken, wanted);
    }

    #[test]
    fn the_takers_error_ends_the_run_without_a_hang() {
        let detectors = ScriptedDetector::new().workers(2);
        let result = fan_out(
            detectors,
            &ThreadClock::default(),
            |jobs: Jobs<u32>, _outcomes: Sender<u32>| {
                for job in 0..1000 {
                    if jobs.send(job).is_err() {
                        return;
                    }
                }
            },
            |_, job| job,
            |_| Err(crate::error::Error::Usage("stop".into())),
        );
        assert!(result.is_err());
    }
}
