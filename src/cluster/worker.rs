//! One cluster worker: its shard, round 0 (the shard statistics and worker 0's plan), then the
//! plan's aux records in batches of four exchange rounds each (see [`super`]). Worker 0 also
//! journals each finished batch and returns the new matches.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use timely::dataflow::operators::{Exchange, Inspect, Probe};
use timely::dataflow::{InputHandleVec, ProbeHandle};
use timely::worker::Worker;

use super::{ACCUMULATOR_BUDGET, Checkpoint, MAX_BATCH, Message, SIBLING_FAILED};
use crate::attack::partial::{Spread, Summary};
use crate::attack::shard::{self, CheckedShard, ReleaseStats, Shard};
use crate::attack::{AttackParams, Match, Query, Scorer};
use crate::dataset::Dataset;
use crate::{Error, Result};

/// Messages received: (destination, round, message). A worker that finishes a round early sends
/// its next round's messages while slower workers still wait for the current round, so the
/// round travels with each message.
type Inbox = Rc<RefCell<Vec<(u32, u64, Message)>>>;

/// The merged summary of each aux record a worker owns in a batch, in increasing aux order.
type MergedSummaries = Vec<(u32, Summary)>;

/// What a worker scores: the release and the aux records' queries.
struct Inputs<'a> {
    release: &'a Dataset,
    queries: &'a [Query],
}

/// What round 0 settles: the scorer of this worker's shard (with the statistics merged over
/// every shard), worker 0's plan of aux records, and (worker 0 only) its journal.
struct Agreed {
    scorer: Scorer,
    plan: Vec<u32>,
    checkpoint: Option<Checkpoint>,
}

/// One worker: its shard, the batches, the four rounds per batch. Worker 0 also journals and
/// returns the new matches.
#[allow(clippy::type_complexity)]
pub(super) fn run_worker(
    worker: &mut Worker,
    (release, queries, params): (&Dataset, &[Query], &AttackParams),
    state: Option<(Option<Checkpoint>, Vec<u32>)>,
    (tag, batch): (u64, Option<usize>),
    failed: &AtomicBool,
) -> Result<Option<(Vec<(u32, Match)>, Option<Checkpoint>)>> {
    let me = worker.index() as u32;
    let peers = worker.peers();
    let shards = shard::partition(release, peers);
    let shard = shards[me as usize];
    let checked = CheckedShard::new(release, shard);
    let widest = shards.iter().map(|s| s.len()).max().unwrap_or(1).max(1);
    let batch = batch.unwrap_or((ACCUMULATOR_BUDGET / (4 * widest)).clamp(1, MAX_BATCH));

    let mut rounds = Rounds::new(worker, failed);
    let Agreed {
        scorer,
        plan,
        mut checkpoint,
    } = rounds.agree((release, params), shard, checked, state, tag)?;
    let inputs = Inputs { release, queries };

    let bar = (me == 0).then(|| crate::progress::bar(plan.len() as u64, "attacking (cluster)"));
    let mut accs: Vec<Vec<f32>> = Vec::new();
    let mut found = Vec::new();
    for chunk in plan.chunks(batch) {
        accs.resize_with(chunk.len(), || vec![0f32; shard.len()]);
        let mut done = rounds.score_batch(&inputs, &scorer, chunk, &mut accs)?;
        if me == 0 {
            done.sort_by_key(|d| d.0);
            if let Some(c) = checkpoint.as_mut() {
                c.append(&done)?;
            }
            if let Some(bar) = &bar {
                bar.inc(done.len() as u64);
            }
            found.extend(done);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok((me == 0).then_some((found, checkpoint)))
}

/// This worker's side of the exchange rounds with every worker, over one timely dataflow.
struct Rounds<'w> {
    worker: &'w mut Worker,
    input: InputHandleVec<u64, (u32, u64, Message)>,
    probe: ProbeHandle<u64>,
    inbox: Inbox,
    /// Set when a sibling worker of this process failed.
    failed: &'w AtomicBool,
    me: u32,
    peers: usize,
}

impl<'w> Rounds<'w> {
    /// The dataflow: every message to the worker it is addressed to, into that worker's inbox.
    fn new(worker: &'w mut Worker, failed: &'w AtomicBool) -> Rounds<'w> {
        let me = worker.index() as u32;
        let peers = worker.peers();
        let mut input: InputHandleVec<u64, (u32, u64, Message)> = InputHandleVec::new();
        let probe = ProbeHandle::new();
        let inbox: Inbox = Rc::new(RefCell::new(Vec::new()));
        let sink = inbox.clone();
        worker.dataflow::<u64, _, _>(|scope| {
            input
                .to_stream(scope)
                .exchange(|m: &(u32, u64, Message)| m.0 as u64)
                .inspect(move |m| sink.borrow_mut().push(m.clone()))
                .probe_with(&probe);
        });
        Rounds {
            worker,
            input,
            probe,
            inbox,
            failed,
            me,
            peers,
        }
    }

    /// One exchange round: send, then step until every worker's messages of this round are in.
    fn round(&mut self, out: Vec<(u32, Message)>) -> Result<Vec<Message>> {
        let now = *self.input.time();
        for (dest, m) in out {
            self.input.send((dest, now, m));
        }
        self.input.advance_to(now + 1);
        while self.probe.less_than(self.input.time()) {
            if self.failed.load(Ordering::SeqCst) {
                return Err(Error::Cluster(SIBLING_FAILED.into()));
            }
            // Park while nothing is to be done, rather than spin: a waiting worker must leave
            // the cores to the workers and network threads it waits for.
            self.worker.step_or_park(Some(Duration::from_millis(1)));
        }
        let mut all = self.inbox.borrow_mut();
        let (this, later): (Vec<_>, Vec<_>) = all.drain(..).partition(|m| m.1 == now);
        *all = later;
        Ok(this.into_iter().map(|(_, _, m)| m).collect())
    }

    /// The worker that merges the passes over `aux` and finishes it.
    fn owner(&self, aux: u32) -> u32 {
        aux % self.peers as u32
    }

    /// Round 0: worker 0's plan to all; every shard's statistics to all.
    /// A corrupt shard is reported here, to everyone, so that no worker waits for another that
    /// stopped (every worker then returns the error).
    fn agree(
        &mut self,
        (release, params): (&Dataset, &AttackParams),
        shard: Shard,
        checked: Result<CheckedShard>,
        state: Option<(Option<Checkpoint>, Vec<u32>)>,
        tag: u64,
    ) -> Result<Agreed> {
        let (me, peers) = (self.me, self.peers);
        let stats = match &checked {
            Ok(_) => Ok(ReleaseStats::of_shard(release, shard)),
            Err(problem) => Err(format!("worker {me}: the store: {problem}")),
        };
        let mut out: Vec<(u32, Message)> = (0..peers as u32)
            .map(|d| (d, Message::Stats(stats.clone())))
            .collect();
        let mut checkpoint = None;
        if let Some((c, todo)) = state {
            checkpoint = c;
            out.extend((0..peers as u32).map(|d| (d, Message::Plan(tag, todo.clone()))));
        }
        let mut leader = None;
        let mut merged_stats = ReleaseStats::default();
        let mut problems = Vec::new();
        for m in self.round(out)? {
            match m {
                Message::Plan(t, p) => leader = Some((t, p)),
                Message::Stats(Ok(s)) => merged_stats = merged_stats.merge(s),
                Message::Stats(Err(problem)) => problems.push(problem),
                _ => {}
            }
        }
        if let Some(problem) = problems.into_iter().min() {
            return Err(Error::Cluster(problem));
        }
        let (leader_tag, plan) = leader.expect("worker 0 sends the plan");
        let checked = checked.expect("a corrupt shard was reported above");
        let scorer = Scorer::new(release, params, &merged_stats, checked);
        if leader_tag != tag {
            return Err(Error::Cluster(format!(
                "worker {me} was given other inputs or parameters than process 0 \
                 (tag {tag:016x}, process 0: {leader_tag:016x}); start every process with the same \
                 command line and files"
            )));
        }
        Ok(Agreed {
            scorer,
            plan,
            checkpoint,
        })
    }

    /// Rounds 1 to 4 for one batch of aux records (`chunk`, in increasing order, one
    /// accumulator in `accs` each): the matches, at worker 0 (in arrival order).
    fn score_batch(
        &mut self,
        inputs: &Inputs,
        scorer: &Scorer,
        chunk: &[u32],
        accs: &mut [Vec<f32>],
    ) -> Result<Vec<(u32, Match)>> {
        let firsts = self.send_summaries(inputs, scorer, chunk, accs)?;
        let (merged, seconds) = self.plan_second_passes(inputs, scorer, &firsts)?;
        let spreads = self.send_spreads(scorer, chunk, accs, seconds)?;
        self.send_outcomes(inputs, scorer, &merged, &spreads)
    }

    /// Round 1: summaries to the owners. What this worker owns comes back sorted by aux record,
    /// then by sender.
    fn send_summaries(
        &mut self,
        inputs: &Inputs,
        scorer: &Scorer,
        chunk: &[u32],
        accs: &mut [Vec<f32>],
    ) -> Result<Vec<(u32, u32, Summary)>> {
        let me = self.me;
        let out = chunk
            .iter()
            .zip(accs.iter_mut())
            .map(|(&aux, acc)| {
                let summary = scorer.first_pass(inputs.release, &inputs.queries[aux as usize], acc);
                (
                    self.owner(aux),
                    Message::First {
                        aux,
                        from: me,
                        summary,
                    },
                )
            })
            .collect();
        let mut firsts: Vec<(u32, u32, Summary)> = self
            .round(out)?
            .into_iter()
            .filter_map(|m| match m {
                Message::First { aux, from, summary } => Some((aux, from, summary)),
                _ => None,
            })
            .collect();
        firsts.sort_by_key(|f| (f.0, f.1));
        Ok(firsts)
    }

    /// Round 2: the owners plan each shard's second pass. Returns the merged summary of each
    /// owned aux record (in increasing aux order) and the second passes this worker is to make.
    fn plan_second_passes(
        &mut self,
        inputs: &Inputs,
        scorer: &Scorer,
        firsts: &[(u32, u32, Summary)],
    ) -> Result<(MergedSummaries, Vec<Message>)> {
        let mut merged = Vec::new();
        let mut out = Vec::new();
        for group in firsts.chunk_by(|a, b| a.0 == b.0) {
            let aux = group[0].0;
            let summaries: Vec<Summary> = group.iter().map(|f| f.2).collect();
            debug_assert_eq!(summaries.len(), self.peers);
            let passes =
                scorer.plan_second_pass(aux as usize, &inputs.queries[aux as usize], &summaries);
            for (d, pass) in passes.into_iter().enumerate() {
                out.push((d as u32, Message::Second { aux, pass }));
            }
            merged.push((aux, Summary::merge_all(summaries)));
        }
        let seconds = self.round(out)?;
        Ok((merged, seconds))
    }

    /// Round 3: spreads to the owners. What this worker owns comes back sorted by aux record,
    /// then by sender.
    fn send_spreads(
        &mut self,
        scorer: &Scorer,
        chunk: &[u32],
        accs: &mut [Vec<f32>],
        seconds: Vec<Message>,
    ) -> Result<Vec<(u32, u32, Spread)>> {
        let me = self.me;
        // The plan is in increasing aux order.
        let slot = |aux: u32| chunk.binary_search(&aux).expect("aux of this batch");
        let out = seconds
            .into_iter()
            .filter_map(|m| match m {
                Message::Second { aux, pass } => {
                    let spread = scorer.second_pass(&mut accs[slot(aux)], pass);
                    Some((
                        self.owner(aux),
                        Message::Spread {
                            aux,
                            from: me,
                            spread,
                        },
                    ))
                }
                _ => None,
            })
            .collect();
        let mut spreads: Vec<(u32, u32, Spread)> = self
            .round(out)?
            .into_iter()
            .filter_map(|m| match m {
                Message::Spread { aux, from, spread } => Some((aux, from, spread)),
                _ => None,
            })
            .collect();
        spreads.sort_by_key(|s| (s.0, s.1));
        Ok(spreads)
    }

    /// Round 4: outcomes to worker 0, which gets every match of the batch.
    fn send_outcomes(
        &mut self,
        inputs: &Inputs,
        scorer: &Scorer,
        merged: &[(u32, Summary)],
        spreads: &[(u32, u32, Spread)],
    ) -> Result<Vec<(u32, Match)>> {
        let out = spreads
            .chunk_by(|a, b| a.0 == b.0)
            .map(|group| {
                let aux = group[0].0;
                // `merged` is in increasing aux order, as the sorted summaries were.
                let summary = merged
                    .binary_search_by_key(&aux, |m: &(u32, Summary)| m.0)
                    .map(|k| merged[k].1)
                    .expect("summary of an owned aux record");
                let spread = Spread::merge_all(group.iter().map(|s| s.2));
                let outcome = scorer.finish(&inputs.queries[aux as usize], &summary, &spread);
                (
                    0,
                    Message::Done {
                        aux,
                        outcome: Box::new(outcome),
                    },
                )
            })
            .collect();
        Ok(self
            .round(out)?
            .into_iter()
            .filter_map(|m| match m {
                Message::Done { aux, outcome } => Some((aux, *outcome)),
                _ => None,
            })
            .collect())
    }
}
