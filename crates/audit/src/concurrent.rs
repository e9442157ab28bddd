//! Running futures a few at a time on whatever runtime polls the caller: at most `limit` are in
//! flight, each result is handed on as soon as it is ready (so nothing but the running ones is
//! held), and the next one starts in its place. No runtime, no threads, no `Send` bound: the
//! account audits it runs are I/O waits on one thread.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

/// Runs `jobs`, at most `limit` (at least one) at a time, and gives each output to `done` in the
/// order they finish.
pub async fn run_bounded<T, F: Future<Output = T>>(
    limit: usize,
    jobs: impl IntoIterator<Item = F>,
    mut done: impl FnMut(T),
) {
    let limit = limit.max(1);
    let mut jobs = jobs.into_iter();
    let mut running: Vec<Pin<Box<F>>> = Vec::with_capacity(limit);
    loop {
        while running.len() < limit {
            match jobs.next() {
                Some(job) => running.push(Box::pin(job)),
                None => break,
            }
        }
        if running.is_empty() {
            return;
        }
        // Every running job registers the same waker: whichever wakes, all are polled again
        // (a handful, so that costs nothing next to the network).
        let output = poll_fn(|cx| {
            for i in 0..running.len() {
                if let Poll::Ready(output) = running[i].as_mut().poll(cx) {
                    drop(running.swap_remove(i));
                    return Poll::Ready(output);
                }
            }
            Poll::Pending
        })
        .await;
        done(output);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// A job that waits `turns` polls (yielding each time) and records how many jobs were in
    /// flight at once.
    async fn job(id: usize, turns: usize, live: Rc<Cell<usize>>, peak: Rc<Cell<usize>>) -> usize {
        live.set(live.get() + 1);
        peak.set(peak.get().max(live.get()));
        for _ in 0..turns {
            let mut yielded = false;
            poll_fn(|cx| {
                if yielded {
                    Poll::Ready(())
                } else {
                    yielded = true;
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            })
            .await;
        }
        live.set(live.get() - 1);
        id
    }

    #[tokio::test]
    async fn at_most_limit_run_and_every_output_arrives() {
        let (live, peak) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
        let mut finished = Vec::new();
        let jobs = (0..50).map(|i| job(i, (i * 7) % 5, live.clone(), peak.clone()));
        run_bounded(8, jobs, |id| finished.push(id)).await;
        assert_eq!(peak.get(), 8);
        finished.sort_unstable();
        assert_eq!(finished, (0..50).collect::<Vec<_>>());

        // A limit of zero still runs the jobs, one at a time.
        let (live, peak) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
        let mut n = 0;
        run_bounded(
            0,
            (0..5).map(|i| job(i, 2, live.clone(), peak.clone())),
            |_| n += 1,
        )
        .await;
        assert_eq!((n, peak.get()), (5, 1));
    }

    #[tokio::test]
    async fn outputs_are_handed_on_in_the_order_they_finish() {
        let (live, peak) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
        let mut order = Vec::new();
        let turns = [4, 0, 2];
        let jobs = (0..3).map(|i| job(i, turns[i], live.clone(), peak.clone()));
        run_bounded(3, jobs, |id| order.push(id)).await;
        assert_eq!(order, [1, 2, 0]);
    }
}
