//! A run's memory budget. The passes that need much memory for a short time (the text detector's
//! small-print pass holds about 185 MB for an A4 page) reserve it before they run and give it
//! back after; a pass that does not fit waits until others have finished. A server with memory
//! to spare runs many such passes at once, a laptop one at a time. Nothing fails for lack of
//! budget: a pass larger than the whole budget runs alone.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// What a run holds besides its reservations, in MB: the process, its libraries, PDFium and the
/// pages in flight. Measured with the release build on the dev set at 1, 2, 4 and 8 workers
/// (peak 582, 821, 1087 and 1555 MB with one small-print pass at a time): about 440 MB plus
/// [`WORKER_MB`] per worker.
pub const BASE_MB: u64 = 440;

/// What each worker holds besides its reservations, in MB: its models' sessions, the first
/// detection pass and its page.
pub const WORKER_MB: u64 = 140;

/// The default budget per worker, in MB: two workers keep a laptop's run under 1 GB (one
/// small-print pass at a time, as before there was a budget).
pub const DEFAULT_MB_PER_WORKER: u64 = 512;

/// Time added up over the threads that spent it (a wait of two workers for a second each is two
/// seconds), safe to add to from any thread.
#[derive(Debug, Default)]
pub struct TimeSum {
    nanos: AtomicU64,
}

impl TimeSum {
    /// Adds one stretch of time.
    pub fn add(&self, time: Duration) {
        let nanos = u64::try_from(time.as_nanos()).unwrap_or(u64::MAX);
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// The sum so far.
    pub fn total(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::Relaxed))
    }
}

/// Megabytes that passes may hold at once, and the time they waited for them.
#[derive(Debug)]
pub struct MemoryBudget {
    capacity: u64,
    in_use: Mutex<u64>,
    freed: Condvar,
    waited: TimeSum,
}

impl MemoryBudget {
    /// A budget of `megabytes` for reservations (at least 1).
    pub fn new(megabytes: u64) -> MemoryBudget {
        MemoryBudget {
            capacity: megabytes.max(1),
            in_use: Mutex::new(0),
            freed: Condvar::new(),
            waited: TimeSum::default(),
        }
    }

    /// A budget that never makes a reservation wait (for detectors that reserve nothing, and for
    /// models run on their own).
    pub fn unlimited() -> MemoryBudget {
        MemoryBudget::new(u64::MAX)
    }

    /// The reservations' share of a run's budget of `total_mb` with `workers` workers: what is
    /// left after [`BASE_MB`] and [`WORKER_MB`] per worker (at least 1 MB: passes then run one
    /// at a time).
    pub fn for_run(total_mb: u64, workers: usize) -> MemoryBudget {
        let held = BASE_MB + WORKER_MB * workers as u64;
        MemoryBudget::new(total_mb.saturating_sub(held))
    }

    /// The default run budget in MB for `workers` workers on a machine with `machine_mb` of
    /// memory: [`DEFAULT_MB_PER_WORKER`] per worker, at most half the machine's memory, and at
    /// least 1 GB.
    pub fn default_run_mb(workers: usize, machine_mb: Option<u64>) -> u64 {
        let wanted = DEFAULT_MB_PER_WORKER * workers.max(1) as u64;
        let half_machine = machine_mb.map_or(u64::MAX, |mb| mb / 2);
        wanted.min(half_machine).max(1024)
    }

    /// Megabytes reservations may hold at once.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Reserves `megabytes` (the whole budget when more), waiting while they are not free.
    pub fn reserve(&self, megabytes: u64) -> Reservation<'_> {
        let megabytes = megabytes.min(self.capacity);
        let mut in_use = self.in_use.lock().unwrap_or_else(|e| e.into_inner());
        if in_use.saturating_add(megabytes) > self.capacity {
            let started = Instant::now();
            while in_use.saturating_add(megabytes) > self.capacity {
                in_use = self.freed.wait(in_use).unwrap_or_else(|e| e.into_inner());
            }
            self.waited.add(started.elapsed());
        }
        *in_use += megabytes;
        Reservation {
            budget: self,
            megabytes,
        }
    }

    /// The time reservations have waited so far, added up over the threads that waited.
    pub fn waited(&self) -> Duration {
        self.waited.total()
    }
}

/// Megabytes held from a [`MemoryBudget`] until dropped.
#[derive(Debug)]
pub struct Reservation<'a> {
    budget: &'a MemoryBudget,
    megabytes: u64,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut in_use = self.budget.in_use.lock().unwrap_or_else(|e| e.into_inner());
        *in_use -= self.megabytes;
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn reservations_never_hold_more_than_the_budget_at_once() {
        let budget = Arc::new(MemoryBudget::new(500));
        let held = Arc::new(Mutex::new((0u64, 0u64)));
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let (budget, held) = (budget.clone(), held.clone());
                std::thread::spawn(move || {
                    for round in 0..20 {
                        let megabytes = 100 + 37 * ((i + round) % 5) as u64;
                        let _reserved = budget.reserve(megabytes);
                        {
                            let mut held = held.lock().unwrap();
                            held.0 += megabytes;
                            held.1 = held.1.max(held.0);
                        }
                        std::thread::sleep(Duration::from_micros(200));
                        held.lock().unwrap().0 -= megabytes;
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let (now, most) = *held.lock().unwrap();
        assert_eq!(now, 0);
        assert!(most <= 500, "{most} MB held at once");
        assert!(
            most > 248,
            "passes that fit together ran together ({most} MB at most)"
        );
        assert!(budget.waited() > Duration::ZERO);
    }

    #[test]
    fn a_tiny_budget_and_sixteen_workers_wait_without_a_deadlock() {
        let budget = Arc::new(MemoryBudget::new(1));
        let done = Arc::new(AtomicU64::new(0));
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let (budget, done) = (budget.clone(), done.clone());
                std::thread::spawn(move || {
                    for _ in 0..10 {
                        // Larger than the whole budget: it runs alone instead of waiting forever.
                        let _reserved = budget.reserve(185);
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(done.load(Ordering::Relaxed), 160);
        assert_eq!(*budget.in_use.lock().unwrap(), 0);
    }

    #[test]
    fn a_runs_budget_leaves_the_workers_their_share() {
        assert_eq!(MemoryBudget::for_run(1024, 2).capacity(), 1024 - 440 - 280);
        assert_eq!(MemoryBudget::for_run(500, 8).capacity(), 1);
        assert_eq!(MemoryBudget::default_run_mb(2, Some(24_000)), 1024);
        assert_eq!(MemoryBudget::default_run_mb(16, Some(128_000)), 8192);
        // Half of a small machine, but never below 1 GB.
        assert_eq!(MemoryBudget::default_run_mb(16, Some(4_000)), 2000);
        assert_eq!(MemoryBudget::default_run_mb(4, Some(1_000)), 1024);
        assert_eq!(MemoryBudget::default_run_mb(1, None), 1024);
    }
}
