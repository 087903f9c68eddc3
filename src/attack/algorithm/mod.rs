//! Linkage algorithms: one type each behind one trait ([`LinkageAlgorithm`]), registered in one
//! table ([`ALGORITHMS`]) that also gives the name used on the command line and in experiment
//! files, and the help text.
//!
//! An algorithm is built for one shard of a release ([`CheckedShard`]) and has three jobs, the
//! shape of tantivy's per-segment collectors merged in one place:
//! 1. [`LinkageAlgorithm::tile_scorer`]: score one aux record against its shard's records,
//!    tile by tile, into a dense accumulator (the engine summarizes each tile: sums for sigma,
//!    the top two);
//! 2. [`LinkageAlgorithm::plan_second_pass`]: at the aux record's owner, from the shards'
//!    summaries merged in shard order, what each shard's second pass does ([`SecondPass`]: the
//!    entropic sums, a reset, or a pick among candidates);
//! 3. [`LinkageAlgorithm::finish`]: at the owner, the [`Match`] from the merged summary and
//!    second-pass results.
//!
//! The executors (the rayon driver [`crate::attack::local`], and the cluster) call these
//! through [`Scorer`] and never look at which algorithm runs; the rayon driver scores each
//! aux record in a tile-sized accumulator with a stash (`stashed.rs`), the cluster in an
//! accumulator of its whole shard: the same bits.
//!
//! Adding an algorithm: a module here with its type, its `impl LinkageAlgorithm`, the
//! [`TileScorer`] it makes, the [`Parameter`]s it reads and its search grid, and one entry in
//! [`ALGORITHMS`]. A parameter is declared once, in the file of the algorithm that reads it; the
//! flags of `deanon attack`, the experiment file's axes, results.csv's columns and the Python
//! keyword arguments follow from the registry.

mod entropic;
pub mod likelihood;
pub mod scoreboard;
pub mod scoreboard_rh;
pub mod scoreboard_rh_norm;
mod stashed;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use stashed::Workspace;

use super::kernel;
use super::parameter::Parameter;
use super::params::{AttackParams, AttackParamsBuilder};
use super::partial::{SecondPass, Spread, Summary};
use super::query::Query;
use super::search::Widening;
use super::shard::{BLOCK, CheckedShard, ReleaseStats, Shard};

/// Records scored and summarized together by [`Scorer::first_pass`]: their accumulator slice
/// (512 KiB) stays in a core's L2 cache while the postings stream past.
pub const TILE: usize = 256 * BLOCK;
use crate::Error;
use crate::dataset::Dataset;

/// The outcome for one aux record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The top record (release index): Scoreboard-RH's best score (smaller index on ties),
    /// Scoreboard's uniform pick among the candidates; `None` when Scoreboard finds none.
    pub candidate: Option<u32>,
    /// Its score (Scoreboard: facts matched).
    pub score: f64,
    /// The runner-up's score.
    pub runner_up: f64,
    /// (best - second) / sigma (Scoreboard-RH); NaN for Scoreboard.
    pub eccentricity: f64,
    /// Whether the adversary names the candidate: eccentricity >= phi (Scoreboard-RH), a single
    /// candidate (Scoreboard).
    pub matched: bool,
    /// Entropy of the adversary's distribution over records, bits (Scoreboard: log2 of the
    /// candidate-set size; NaN when the set is empty).
    pub entropy_bits: f64,
    /// Probability of the candidate under that distribution.
    pub top_probability: f64,
    /// Records tied at the best score (Scoreboard: the candidate-set size).
    pub candidates: u64,
    /// Standard deviation of the scores over all N records (Scoreboard-RH).
    pub sigma: f64,
    /// Facts scored (aux facts whose item the release holds).
    pub facts_used: usize,
    /// The posterior probability that the candidate is the target (the likelihood algorithm;
    /// `None` for the others).
    #[serde(default)]
    pub posterior: Option<f64>,
}

/// One aux record's scoring over a shard, a tile at a time: made by
/// [`LinkageAlgorithm::tile_scorer`], it keeps what the tiles share (an aux record's similarity
/// tables, a cursor per fact).
pub trait TileScorer {
    /// Scores the aux record against the records of `tile` into `acc` (zero on entry, one slot
    /// per record of the tile). The tiles come in record order and cut the shard from its
    /// start ([`CheckedShard::tiles`]); the scores of a record must not depend on the tiling.
    fn tile(&mut self, tile: CheckedShard, acc: &mut [f32]);
}

/// One linkage algorithm, built for one shard of a release (see the module docs).
pub trait LinkageAlgorithm: Send + Sync {
    /// The scoring of `query` against the records of this algorithm's shard of `release`, tile
    /// by tile. The engine summarizes each tile right after scoring it, while the tile's slice
    /// of the accumulator is in the cache, and may interleave the tiles of several aux records
    /// (each scorer sees its own tiles in order).
    fn tile_scorer<'a>(
        &'a self,
        release: &'a Dataset,
        query: &'a Query,
    ) -> Box<dyn TileScorer + 'a>;

    /// At the owner of aux record `aux_index`: from the shards' summaries, in shard order,
    /// what each shard's second pass does.
    fn plan_second_pass(
        &self,
        aux_index: usize,
        query: &Query,
        summaries: &[Summary],
    ) -> Vec<SecondPass>;

    /// At the owner: the match from the merged summary and the merged second-pass results.
    fn finish(&self, query: &Query, summary: &Summary, spread: &Spread) -> Match;

    /// Whether the second pass needs the scores' values alone, not which record holds which
    /// (the entropic sums): the first pass then packs each block's nonzero scores
    /// ([`kernel::summarize_and_pack`]), which [`SecondPass::Entropy`] requires.
    fn values_only(&self) -> bool {
        false
    }
}

/// Calls `f` with each tile and its slice of `acc` (one slot per record of the tiles, which
/// cut a shard in record order).
pub fn for_each_tile(
    tiles: &[CheckedShard],
    acc: &mut [f32],
    mut f: impl FnMut(CheckedShard, &mut [f32]),
) {
    let Some(first) = tiles.first() else {
        return;
    };
    let start = first.shard().start;
    for &tile in tiles {
        let from = (tile.shard().start - start) as usize;
        f(tile, &mut acc[from..from + tile.len()]);
    }
}

/// How an algorithm is made for one shard.
type Build = fn(&Dataset, &AttackParams, &ReleaseStats, CheckedShard) -> Box<dyn LinkageAlgorithm>;

/// One entry of the registry.
pub struct AlgorithmEntry {
    /// The name on the command line (`--algorithm`) and in experiment files.
    pub name: &'static str,
    /// One line of help.
    pub help: &'static str,
    /// The parameters it reads.
    pub parameters: &'static [&'static Parameter],
    /// Its search grid: the configurations an adversary tries, given how far the release's
    /// policy moves values ([`crate::attack::search`]).
    pub search: fn(&Widening) -> Vec<AttackParamsBuilder>,
    build: Build,
}

/// Every algorithm, the default first.
pub static ALGORITHMS: [AlgorithmEntry; 4] = [
    AlgorithmEntry {
        name: "scoreboard-rh",
        help: "weighted similarity, best guess by eccentricity, entropic output (the paper's)",
        parameters: scoreboard_rh::PARAMETERS,
        search: scoreboard_rh::search_grid,
        build: |r, p, s, shard| Box::new(scoreboard_rh::ScoreboardRh::build(r, p, s, shard)),
    },
    AlgorithmEntry {
        name: "scoreboard-rh-norm",
        help: "Scoreboard-RH with scores divided by (1 - B) + B |r| / mean|r| (--length-norm B)",
        parameters: scoreboard_rh_norm::PARAMETERS,
        search: scoreboard_rh_norm::search_grid,
        build: |r, p, s, shard| {
            Box::new(scoreboard_rh_norm::ScoreboardRhNorm::build(r, p, s, shard))
        },
    },
    AlgorithmEntry {
        name: "scoreboard",
        help: "records matching every fact within --rating-tol and --date-tol (Algorithm 1A)",
        parameters: scoreboard::PARAMETERS,
        search: scoreboard::search_grid,
        build: |r, p, s, shard| Box::new(scoreboard::Scoreboard::build(r, p, s, shard)),
    },
    AlgorithmEntry {
        name: "likelihood",
        help: "log-likelihood ratio of each record under an error model against a random record of its length; names the best guess when its posterior reaches --threshold",
        parameters: likelihood::PARAMETERS,
        search: likelihood::search_grid,
        build: |r, p, s, shard| Box::new(likelihood::Likelihood::build(r, p, s, shard)),
    },
];

/// A registered algorithm, by name.
#[derive(Clone, Copy)]
pub struct Algorithm(&'static AlgorithmEntry);

impl Algorithm {
    /// Its name.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// The parameters it reads.
    pub fn parameters(self) -> &'static [&'static Parameter] {
        self.0.parameters
    }

    /// Whether it reads the parameter named `name`.
    pub fn uses(self, name: &str) -> bool {
        self.0.parameters.iter().any(|p| p.name == name)
    }

    /// The search grid of [`AlgorithmEntry::search`].
    pub fn search_grid(self, widening: &Widening) -> Vec<AttackParamsBuilder> {
        (self.0.search)(widening)
    }

    /// Every registered algorithm, the default first.
    pub fn all() -> impl Iterator<Item = Algorithm> {
        ALGORITHMS.iter().map(Algorithm)
    }

    /// The names of the algorithms that read the parameter named `parameter`, in registry
    /// order.
    pub fn readers(parameter: &str) -> Vec<&'static str> {
        Algorithm::all()
            .filter(|a| a.uses(parameter))
            .map(|a| a.name())
            .collect()
    }

    /// Builds the algorithm for `shard` of `release`.
    pub fn build(
        self,
        release: &Dataset,
        params: &AttackParams,
        stats: &ReleaseStats,
        shard: CheckedShard,
    ) -> Box<dyn LinkageAlgorithm> {
        (self.0.build)(release, params, stats, shard)
    }

    /// Every algorithm's name.
    pub fn names() -> impl Iterator<Item = &'static str> {
        ALGORITHMS.iter().map(|a| a.name)
    }

    /// The help of every algorithm, one line each.
    pub fn help() -> String {
        ALGORITHMS
            .iter()
            .map(|a| format!("{}: {}", a.name, a.help))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl Default for Algorithm {
    fn default() -> Self {
        Algorithm(&ALGORITHMS[0])
    }
}

impl PartialEq for Algorithm {
    fn eq(&self, other: &Self) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for Algorithm {}

impl fmt::Debug for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        ALGORITHMS
            .iter()
            .find(|a| a.name == text)
            .map(Algorithm)
            .ok_or_else(|| Error::Parameter {
                name: "algorithm",
                message: format!(
                    "unknown algorithm '{text}' (expected one of: {})",
                    Algorithm::names().collect::<Vec<_>>().join(", ")
                ),
            })
    }
}

impl Serialize for Algorithm {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for Algorithm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An algorithm built for one shard, with the passes every executor runs: for each aux
/// record, [`Scorer::first_pass`] on every shard, [`Scorer::plan_second_pass`] at the owner,
/// [`Scorer::second_pass`] on every shard, [`Scorer::finish`] at the owner.
pub struct Scorer {
    algorithm: Box<dyn LinkageAlgorithm>,
    shard: CheckedShard,
    /// The shard in tiles of [`TILE`] records.
    tiles: Vec<CheckedShard>,
}

impl Scorer {
    /// The algorithm of `params` for `shard` of `release`, whose statistics (merged over every
    /// shard) are `stats`.
    pub fn new(
        release: &Dataset,
        params: &AttackParams,
        stats: &ReleaseStats,
        shard: CheckedShard,
    ) -> Scorer {
        Scorer {
            algorithm: params.algorithm().build(release, params, stats, shard),
            shard,
            tiles: shard.tiles(TILE).collect(),
        }
    }

    /// The shard it scores.
    pub fn shard(&self) -> CheckedShard {
        self.shard
    }

    /// Scores `query` into `acc` (zero on entry, one slot per record of the shard) and
    /// summarizes the scores. `acc` keeps what [`Scorer::second_pass`] reads (for the
    /// Scoreboard-RH family each block's nonzero scores, packed to its front).
    pub fn first_pass(&self, release: &Dataset, query: &Query, acc: &mut [f32]) -> Summary {
        self.first_pass_reading(release, query, acc, &[]).0
    }

    /// [`Scorer::first_pass`], also returning the scores of `records` (shard positions), read
    /// before the pass packs the accumulator (the cohort analysis conditions on them).
    pub fn first_pass_reading(
        &self,
        release: &Dataset,
        query: &Query,
        acc: &mut [f32],
        records: &[u32],
    ) -> (Summary, Vec<f64>) {
        self.first_pass_in_tiles(release, query, acc, records, &self.tiles)
    }

    /// The first pass in `tiles`, which cut the shard in record order.
    fn first_pass_in_tiles(
        &self,
        release: &Dataset,
        query: &Query,
        acc: &mut [f32],
        records: &[u32],
        tiles: &[CheckedShard],
    ) -> (Summary, Vec<f64>) {
        assert_eq!(
            acc.len(),
            self.shard.len(),
            "one accumulator slot per record"
        );
        let start = self.shard.shard().start;
        let mut scores = vec![0.0; records.len()];
        let mut summaries = Vec::with_capacity(tiles.len());
        // Tile by tile, so that a tile's slice of the accumulator stays in the CPU's cache
        // between its scoring and its summary; the tiles' summaries merge to the bits of one
        // summary of the whole shard (see `partial`).
        let mut scorer = self.algorithm.tile_scorer(release, query);
        for_each_tile(tiles, acc, |tile, part| {
            scorer.tile(tile, part);
            let from = (tile.shard().start - start) as usize;
            let range = from..from + part.len();
            for (score, &r) in scores.iter_mut().zip(records) {
                if range.contains(&(r as usize)) {
                    *score = part[r as usize - from] as f64;
                }
            }
            summaries.push(self.summarize(part, tile.shard()));
        });
        assert_eq!(summaries.len(), tiles.len(), "every tile scored");
        (Summary::merge_all(summaries), scores)
    }

    fn summarize(&self, acc: &mut [f32], tile: Shard) -> Summary {
        if self.algorithm.values_only() {
            kernel::summarize_and_pack(acc, tile)
        } else {
            kernel::summarize(acc, tile)
        }
    }

    /// See [`LinkageAlgorithm::plan_second_pass`].
    pub fn plan_second_pass(
        &self,
        aux_index: usize,
        query: &Query,
        summaries: &[Summary],
    ) -> Vec<SecondPass> {
        self.algorithm.plan_second_pass(aux_index, query, summaries)
    }

    /// The second pass over the shard's scores; resets `acc` to zero.
    pub fn second_pass(&self, acc: &mut [f32], pass: SecondPass) -> Spread {
        match pass {
            SecondPass::Entropy {
                reference,
                inv_sigma,
            } => kernel::spread(acc, reference, inv_sigma),
            SecondPass::Reset => {
                acc.fill(0.0);
                Spread::EMPTY
            }
            SecondPass::Pick { needed, k } => Spread {
                pick: kernel::pick_and_reset(acc, self.shard.shard(), needed, k),
                ..Spread::EMPTY
            },
        }
    }

    /// See [`LinkageAlgorithm::finish`].
    pub fn finish(&self, query: &Query, summary: &Summary, spread: &Spread) -> Match {
        self.algorithm.finish(query, summary, spread)
    }

    /// All the passes over aux record `aux_index` when this scorer's shard is the whole
    /// release (one process, no merge); leaves `acc` zero.
    pub fn score_alone(
        &self,
        release: &Dataset,
        aux_index: usize,
        query: &Query,
        acc: &mut [f32],
    ) -> Match {
        self.score_alone_reading(release, aux_index, query, acc, &[])
            .0
    }

    /// [`Scorer::score_alone`], also returning the scores of `records` as
    /// [`Scorer::first_pass_reading`] reads them.
    pub fn score_alone_reading(
        &self,
        release: &Dataset,
        aux_index: usize,
        query: &Query,
        acc: &mut [f32],
        records: &[u32],
    ) -> (Match, Vec<f64>) {
        let (summary, scores) = self.first_pass_reading(release, query, acc, records);
        let pass = self.plan_second_pass(aux_index, query, &[summary])[0];
        let spread = self.second_pass(acc, pass);
        (self.finish(query, &summary, &spread), scores)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However the shard is tiled, the first pass gives the same summary, scores and packed
    /// accumulator, for every algorithm (tiles of one block against one tile of everything).
    #[test]
    fn tiling_does_not_change_the_first_pass() {
        use crate::auxiliary::sampler::{self, AuxParams};
        use crate::dataset::generate::{GenerateParams, Preset, generate};
        let data = generate(&GenerateParams::new(Preset::NetflixLike).users(3000).seed(5)).unwrap();
        let aux = sampler::sample(
            &data,
            &AuxParams {
                targets: 20,
                items: 6,
                date_error: 14,
                count_error: 0.1,
                seed: 3,
                ..AuxParams::default()
            },
            None,
        )
        .unwrap()
        .records;
        let queries = crate::attack::query::resolve(&data, &aux, None);
        assert!(
            queries.iter().all(|q| q.count.is_some()),
            "count rule-out exercised"
        );
        let stats = ReleaseStats::of(&data);
        let whole = CheckedShard::whole(&data).unwrap();
        let n = data.num_records() as u32;
        let shards = [
            whole,
            CheckedShard::new(
                &data,
                Shard {
                    start: 1024,
                    end: n - 1,
                },
            )
            .unwrap(),
        ];
        let records: Vec<u32> = vec![0, 3, 600, 1500];
        for name in Algorithm::names() {
            let params = AttackParams::builder()
                .algorithm(name.parse().unwrap())
                .check()
                .unwrap();
            for shard in shards {
                let scorer = Scorer::new(&data, &params, &stats, shard);
                for q in &queries {
                    let mut one = vec![0f32; shard.len()];
                    let mut tiled = vec![0f32; shard.len()];
                    let whole: Vec<_> = shard.tiles(1 << 30).collect();
                    let blocks: Vec<_> = shard.tiles(BLOCK).collect();
                    let a = scorer.first_pass_in_tiles(&data, q, &mut one, &records, &whole);
                    let b = scorer.first_pass_in_tiles(&data, q, &mut tiled, &records, &blocks);
                    assert_eq!(a, b, "{name} {:?}", shard.shard());
                    assert_eq!(one, tiled, "{name}");
                }
            }
        }
    }

    #[test]
    fn registry_names_parse_back_and_are_unique() {
        let names: Vec<&str> = Algorithm::names().collect();
        for name in &names {
            let a: Algorithm = name.parse().unwrap();
            assert_eq!(a.name(), *name);
            assert_eq!(names.iter().filter(|n| *n == name).count(), 1);
        }
        assert_eq!(
            Algorithm::default().name(),
            crate::attack::params::defaults::ALGORITHM
        );
        let e = "blur".parse::<Algorithm>().unwrap_err().to_string();
        assert!(
            e.contains("unknown algorithm 'blur'") && e.contains("scoreboard-rh-norm"),
            "{e}"
        );
    }
}
