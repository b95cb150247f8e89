//! Two halves of one verification at once: the caller's thread runs one while a long-lived helper
//! thread runs the other (a large body's MAC), on a machine with a core to spare.
//!
//! Starting a thread per verification cost 50–60 µs on a small VM, and a helper that sleeps between
//! tasks is woken late (30 µs or more), or on the caller's own core. So the helper is started once
//! and, after a task, keeps looking for the next one for [`STAY_AWAKE`] before it sleeps: a caller
//! that verifies large bodies back to back finds it awake. A caller that finishes its own half
//! before the helper has taken the task takes it back and runs it, so a call that finds the helper
//! asleep costs about what one thread doing both halves costs.
//!
//! The helper never blocks a caller: a caller that finds the mailbox taken (another thread's task),
//! or no helper (one core, no thread could be started, or a child process forked after it started),
//! runs both halves itself.

// The task borrows the caller's stack (the payload, the keys), as `std::thread::scope` lets a
// thread do; a long-lived thread can take such a borrow only with its lifetime erased. Sound
// because the caller does not return, nor unwind, before the task is either taken back from the
// mailbox unseen or marked finished by the helper, which touches the job only in between.
#![allow(unsafe_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicPtr, AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// How long the helper keeps looking for the next task after one before it sleeps: longer than
/// what a Python or Node caller does between two verifications of 256 KiB bodies (Node copies the
/// body for the event then, 13 µs), short against the task (65 µs of HMAC at 128 KiB).
const STAY_AWAKE: Duration = Duration::from_micros(100);

/// How long a caller waiting for the helper spins before it yields its core instead (the helper
/// is then running behind: descheduled on a busy machine, or sharing the caller's core).
const SPIN_BEFORE_YIELDING: Duration = Duration::from_micros(20);

/// The half the helper runs: its verdict.
type Job = dyn Fn() -> bool + Sync;

/// [`Task::state`]s.
const RUNNING: u8 = 0;
const MATCHED: u8 = 1;
const UNMATCHED: u8 = 2;
const PANICKED: u8 = 3;

/// One job handed to the helper.
struct Task {
    /// The caller's job, its lifetime erased: valid until `state` leaves [`RUNNING`].
    job: *const Job,
    state: AtomicU8,
}

// SAFETY: the job is `Sync`, called from the helper while its caller waits; the state is atomic.
unsafe impl Send for Task {}
// SAFETY: as for `Send`.
unsafe impl Sync for Task {}

/// The task waiting for the helper, if any (holding one count of its `Arc`).
static MAILBOX: AtomicPtr<Task> = AtomicPtr::new(null_mut());

/// The helper thread and the process that started it.
struct Helper {
    thread: Thread,
    pid: u32,
}

/// The helper, started on first use; `None` on one core or when no thread could be started.
fn helper() -> Option<&'static Helper> {
    static HELPER: OnceLock<Option<Helper>> = OnceLock::new();
    HELPER
        .get_or_init(|| {
            let spare = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
            let started = spare.then(|| std::thread::Builder::new().name("hookwise-mac".into()).spawn(serve));
            let thread = started?.ok()?.thread().clone();
            Some(Helper { thread, pid: std::process::id() })
        })
        .as_ref()
        // A forked child has the parent's memory but not its helper thread.
        .filter(|helper| helper.pid == std::process::id())
}

/// Runs `there` on the helper while `here` runs on this thread; both here when there is no
/// helper to run it, or when it panicked there (so a panic surfaces as it would without the
/// helper).
pub(super) fn alongside<H>(there: &(dyn Fn() -> bool + Sync), here: impl FnOnce() -> H) -> (bool, H) {
    let (matched, here) = beside(there, here);
    (matched.unwrap_or_else(there), here)
}

/// Runs `there` on the helper while `here` runs on this thread, as [`alongside`] does, but never
/// on this thread: its verdict is `None` when the helper did not run it (no helper, the mailbox
/// taken, the task taken back unseen, or a panic there), for a caller to whom it may turn out
/// not to matter.
pub(super) fn beside<H>(there: &(dyn Fn() -> bool + Sync), here: impl FnOnce() -> H) -> (Option<bool>, H) {
    let Some(helper) = helper() else { return (None, here()) };
    // SAFETY: only the lifetime changes (same fat pointer); `Posted` keeps the borrow alive for as
    // long as the helper may use it (see the module's note).
    let job: *const (dyn Fn() -> bool + Sync + '_) = there;
    #[expect(clippy::transmute_ptr_to_ptr, reason = "an `as` cast cannot extend a trait object's lifetime")]
    let job = unsafe { std::mem::transmute::<*const (dyn Fn() -> bool + Sync + '_), *const Job>(job) };
    let task = Arc::new(Task { job, state: AtomicU8::new(RUNNING) });
    let raw = Arc::into_raw(Arc::clone(&task)).cast_mut();
    if MAILBOX.compare_exchange(null_mut(), raw, Ordering::Release, Ordering::Relaxed).is_err() {
        // SAFETY: `raw` came from `into_raw` above and was never shared.
        drop(unsafe { Arc::from_raw(raw) });
        return (None, here());
    }
    helper.thread.unpark();
    let mut posted = Posted { task, raw, waited: false };
    let here = here();
    (posted.wait(), here)
}

/// A task in the mailbox or on the helper; dropping it waits for the helper to be done with it.
struct Posted {
    task: Arc<Task>,
    raw: *mut Task,
    waited: bool,
}

impl Posted {
    /// The helper's verdict; `None` when the task was taken back unseen or panicked there.
    fn wait(&mut self) -> Option<bool> {
        self.waited = true;
        if MAILBOX.compare_exchange(self.raw, null_mut(), Ordering::Acquire, Ordering::Relaxed).is_ok() {
            // SAFETY: the mailbox's count of the task, which the helper never took.
            drop(unsafe { Arc::from_raw(self.raw) });
            return None;
        }
        let waiting = Instant::now();
        loop {
            match self.task.state.load(Ordering::Acquire) {
                RUNNING if waiting.elapsed() < SPIN_BEFORE_YIELDING => std::hint::spin_loop(),
                RUNNING => std::thread::yield_now(),
                MATCHED => return Some(true),
                UNMATCHED => return Some(false),
                _ => return None,
            }
        }
    }
}

impl Drop for Posted {
    fn drop(&mut self) {
        // `here` panicked: the helper may still be using the caller's stack.
        if !self.waited {
            self.wait();
        }
    }
}

/// The helper thread: runs each task it finds; sleeps when none came for [`STAY_AWAKE`].
fn serve() {
    let mut idle_since = Instant::now();
    loop {
        if MAILBOX.load(Ordering::Relaxed).is_null() {
            if idle_since.elapsed() < STAY_AWAKE {
                std::thread::yield_now();
            } else {
                std::thread::park();
                idle_since = Instant::now();
            }
            continue;
        }
        let raw = MAILBOX.swap(null_mut(), Ordering::Acquire);
        if raw.is_null() {
            continue; // its caller took it back
        }
        // SAFETY: the mailbox's count of the task, handed over by the swap.
        let task = unsafe { Arc::from_raw(raw) };
        // SAFETY: the job is valid while the task is RUNNING: its caller waits for the state below.
        let ran = catch_unwind(AssertUnwindSafe(|| unsafe { (*task.job)() }));
        let state = match ran {
            Ok(true) => MATCHED,
            Ok(false) => UNMATCHED,
            Err(_) => PANICKED,
        };
        task.state.store(state, Ordering::Release);
        idle_since = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::{alongside, beside};
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn both_halves_run_once_and_return_their_results() {
        for round in 0..200usize {
            let ran = AtomicUsize::new(0);
            let there = || {
                ran.fetch_add(1, Ordering::Relaxed);
                round % 2 == 0
            };
            let (matched, here) = alongside(&there, || round * 3);
            assert_eq!((matched, here, ran.load(Ordering::Relaxed)), (round % 2 == 0, round * 3, 1));
        }
    }

    #[test]
    fn callers_on_many_threads_each_get_their_own_verdict() {
        std::thread::scope(|scope| {
            for t in 0..4usize {
                scope.spawn(move || {
                    for round in 0..500usize {
                        let key = [t, round];
                        let there = || key.iter().sum::<usize>() % 3 == 0;
                        let (matched, here) = alongside(&there, || key.len());
                        assert_eq!((matched, here), ((t + round) % 3 == 0, 2));
                    }
                });
            }
        });
    }

    #[test]
    fn a_slow_caller_gets_the_verdict_from_the_helper_thread() {
        if super::helper().is_none() {
            return; // one core: both halves run on the caller's thread
        }
        // Other tests' callers may hold the mailbox for a moment (this one then runs both
        // halves itself), so it tries a few times.
        let on_helper = (0..20).any(|_| {
            let name = std::sync::Mutex::new(None);
            let there = || {
                *name.lock().unwrap() = std::thread::current().name().map(str::to_owned);
                true
            };
            let (matched, ()) = alongside(&there, || std::thread::sleep(Duration::from_millis(20)));
            assert!(matched);
            let name = name.lock().unwrap().take();
            name.as_deref() == Some("hookwise-mac")
        });
        assert!(on_helper);
    }

    /// `beside` gives the helper's verdict, or `None`, and never runs the helper's half on the
    /// caller's thread; a slow caller gets it from the helper.
    #[test]
    fn beside_runs_its_half_on_the_helper_only() {
        let caller = std::thread::current().id();
        let from_helper = (0..20).any(|_| {
            let ran_here = AtomicBool::new(false);
            let there = || {
                ran_here.fetch_or(std::thread::current().id() == caller, Ordering::Relaxed);
                true
            };
            let (matched, here) = beside(&there, || {
                std::thread::sleep(Duration::from_millis(20));
                7
            });
            assert!(!ran_here.load(Ordering::Relaxed));
            assert_eq!(here, 7);
            matched == Some(true)
        });
        assert!(from_helper || super::helper().is_none());
        let panicked = beside(&|| panic!("there"), || std::thread::sleep(Duration::from_millis(20)));
        assert_eq!(panicked, (None, ()));
    }

    #[test]
    fn a_panic_on_either_side_surfaces_on_the_caller_after_the_helper_is_done() {
        let there_panics = catch_unwind(|| alongside(&|| panic!("there"), || 1));
        assert!(there_panics.is_err());
        // `here` panics while the helper is still running `there`: the caller unwinds only once
        // the helper is done with what `there` borrows. (When another test's task keeps the
        // helper busy, the caller takes `there` back unstarted; it tries until the helper ran it.)
        let ran_on_helper = (0..20).any(|_| {
            let (started, finished) = (AtomicBool::new(false), AtomicBool::new(false));
            let on_helper = AtomicBool::new(false);
            let there = || {
                started.store(true, Ordering::Relaxed);
                on_helper.store(std::thread::current().name() == Some("hookwise-mac"), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(30));
                finished.store(true, Ordering::Relaxed);
                true
            };
            let here_panics = catch_unwind(AssertUnwindSafe(|| {
                alongside(&there, || -> u8 {
                    std::thread::sleep(Duration::from_millis(5));
                    panic!("here")
                })
            }));
            assert!(here_panics.is_err());
            assert_eq!(finished.load(Ordering::Relaxed), started.load(Ordering::Relaxed));
            on_helper.load(Ordering::Relaxed)
        });
        assert!(ran_on_helper || super::helper().is_none());
        // The helper still serves afterwards.
        assert_eq!(alongside(&|| true, || 2), (true, 2));
    }
}
