//! `deanon demo`: the whole pipeline on built-in synthetic data.
//!
//! Generates a Netflix-like data set, stores and reopens it, samples the paper's aux settings
//! (2 facts; 3 of 4; 6 of 8; exact ratings, dates within 3 or 14 days), attacks with
//! Scoreboard-RH and prints the re-identification rates beside the paper's Fig. 4 values; then
//! runs a small built-in experiment (two release policies, with utility, sparsity and plots) and
//! points to its report; audits the twin; and ends with a published statement about a small
//! group on a views-like log ("N people watched title T every day for 18 days in December
//! 2022") and what it reveals (`cohort`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use std::sync::Arc;

use crate::auxiliary::sampler::{self, AuxParams};
use crate::dataset::generate::{GenerateParams, Preset, generate};
use crate::dataset::{Dataset, store, summary};
use crate::linkage::{AttackOptions, Executor};
use crate::study::{Candidate, Scene};
use crate::{Error, Result};

/// The demo audit's knowledge curve: entries known.
const DEMO_CURVE: [usize; 5] = [1, 2, 4, 8, 16];

/// What the demo runs on.
#[derive(Clone, Debug)]
pub struct DemoParams {
    /// Output folder.
    pub out_dir: PathBuf,
    /// Number of synthetic people.
    pub users: usize,
    /// Targets per aux setting.
    pub targets: usize,
    /// Seed of everything random.
    pub seed: u64,
}

impl Default for DemoParams {
    fn default() -> Self {
        DemoParams {
            out_dir: PathBuf::from("deanon-demo"),
            users: 50_000,
            targets: 1000,
            seed: 2008,
        }
    }
}

/// The experiment the demo ends with (the same file as experiments/smoke.toml).
const SMOKE_EXPERIMENT: &str = include_str!("../experiments/smoke.toml");

/// The candidate policies the demo's audit compares with the baseline.
const DEMO_AUDIT_POLICIES: [&str; 3] = [
    "sample:fraction=0.5|date-coarsen:to=month",
    "date-coarsen:to=year|rating-noise:scale=1",
    "date-drop|rating-drop|truncate:max_per_record=2|attr-drop:name=region|attr-generalize:name=age,width=20",
];

/// One row of the paper's Fig. 4: (facts, wrong, top-1 rate at +-3 days, at +-14 days).
pub const PAPER_FIG4: [(usize, usize, f64, f64); 3] =
    [(2, 0, 0.69, 0.44), (4, 1, 0.90, 0.70), (8, 2, 0.99, 0.99)];

/// Runs the demo and returns its report as text.
pub fn run(params: &DemoParams) -> Result<String> {
    std::fs::create_dir_all(&params.out_dir).map_err(|e| Error::io(&params.out_dir, e))?;
    let mut report = String::new();
    let started = Instant::now();
    let (path, data) = generate_twin(params, &mut report)?;
    paper_table(params, &data, &mut report)?;
    small_experiment(params, &mut report)?;
    audit_twin(params, &path, &data, &mut report)?;
    published_statement(params, &mut report)?;
    let _ = writeln!(
        report,
        "\nTook {:.1} s in all.",
        started.elapsed().as_secs_f64()
    );
    Ok(report)
}

/// Generates the Netflix-like twin, stores it and reopens it from the store; reports its
/// summary. Returns the store's path and the reopened data set.
fn generate_twin(params: &DemoParams, report: &mut String) -> Result<(PathBuf, Arc<Dataset>)> {
    let data = generate(
        &GenerateParams::new(Preset::NetflixLike)
            .users(params.users)
            .seed(params.seed),
    )?;
    let path = params.out_dir.join("netflix-like.deanon");
    store::save(&data, &path)?;
    drop(data);
    let data = Arc::new(store::open(&path)?);
    let _ = writeln!(
        report,
        "Generated a Netflix-like data set ({} people, seed {}) at {}:\n",
        params.users,
        params.seed,
        path.display()
    );
    report.push_str(&summary::summarize(&data).to_text());
    Ok((path, data))
}

/// Scoreboard-RH on the twin in the paper's Fig. 4 settings, beside the paper's values.
fn paper_table(params: &DemoParams, data: &Arc<Dataset>, report: &mut String) -> Result<()> {
    let _ = writeln!(
        report,
        "\nScoreboard-RH on the data itself ({} targets per row; exact ratings; phi 1.5).\n\
         top-1: the best-scoring record is the target; matched: eccentricity >= phi (precision in brackets).\n",
        params.targets
    );
    let _ = writeln!(
        report,
        "{:<8} {:>6} | {:>12} {:>16} {:>7} | {:>12} {:>16} {:>7}",
        "aux", "", "top-1 +-3d", "matched +-3d", "paper", "top-1 +-14d", "matched +-14d", "paper"
    );
    let attack = Candidate::naive();
    let options = AttackOptions::default();
    for (row, &(items, wrong, paper3, paper14)) in PAPER_FIG4.iter().enumerate() {
        let label = if wrong == 0 {
            format!("{items}")
        } else {
            format!("{}-of-{items}", items - wrong)
        };
        let mut cells = Vec::new();
        for (col, days) in [3u32, 14].into_iter().enumerate() {
            let aux_params = AuxParams {
                targets: params.targets,
                items,
                wrong,
                rating_error: 0.0,
                date_error: days,
                seed: params.seed + 100 * row as u64 + col as u64,
                ..AuxParams::default()
            };
            let aux = sampler::sample(data, &aux_params, None)?.records;
            let s = Scene::blind(data, None)
                .link_here(&attack, &aux, &options)?
                .summary;
            cells.push((s.top1_rate.unwrap_or(0.0), s.matched_rate, s.precision));
        }
        let precision = |p: Option<f64>| p.map_or("-".to_string(), |p| format!("{p:.2}"));
        let _ = writeln!(
            report,
            "{:<8} {:>6} | {:>12.2} {:>9.2} ({:>4}) {:>7.2} | {:>12.2} {:>9.2} ({:>4}) {:>7.2}",
            label,
            "",
            cells[0].0,
            cells[0].1,
            precision(cells[0].2),
            paper3,
            cells[1].0,
            cells[1].1,
            precision(cells[1].2),
            paper14
        );
    }
    let _ = writeln!(
        report,
        "\nThe paper's values are on the real Netflix Prize data (480,189 people, 17,770 movies); this twin \
         is smaller and denser, so rates differ."
    );
    Ok(())
}

/// A small experiment: two release policies, priced and attacked, with plots.
fn small_experiment(params: &DemoParams, report: &mut String) -> Result<()> {
    let config = params.out_dir.join("experiment.toml");
    let experiment_dir = params.out_dir.join("experiment");
    std::fs::write(&config, SMOKE_EXPERIMENT).map_err(|e| Error::io(&config, e))?;
    if crate::experiment::run::Layout::new(&experiment_dir)
        .folder
        .holds_a_run()
    {
        std::fs::remove_dir_all(&experiment_dir).map_err(|e| Error::io(&experiment_dir, e))?;
    }
    crate::progress::timed("demo: experiment", || {
        crate::experiment::run_experiment(&config, &experiment_dir, false, None, &Executor::Local)
    })?;
    let _ = writeln!(
        report,
        "\nA small experiment (experiments/smoke.toml: two release policies x two aux settings x two date errors, \
         with utility and sparsity) is in {}:\n  report:  {}\n  plots:   reidentification, entropy, sparsity, frontier (.svg, .png)\n  \
         results: results.csv, results.json, provenance.json",
        experiment_dir.display(),
        experiment_dir.join("report.md").display(),
    );
    Ok(())
}

/// An audit of the twin: is releasing it safe, and what should be released instead?
fn audit_twin(params: &DemoParams, path: &Path, data: &Dataset, report: &mut String) -> Result<()> {
    let audit_dir = params.out_dir.join("audit");
    if crate::audit::run_folder(&audit_dir).holds_a_run() {
        std::fs::remove_dir_all(&audit_dir).map_err(|e| Error::io(&audit_dir, e))?;
    }
    let audit = crate::audit::run(
        path,
        &crate::audit::AuditParams {
            policies: DEMO_AUDIT_POLICIES.iter().map(|p| p.to_string()).collect(),
            sample: 400,
            draws: 3,
            seed: params.seed,
            // The curve up to 16 known entries (every entry of the heaviest raters costs
            // most of an audit at this size), its search on 100 tuning people.
            curve: DEMO_CURVE
                .iter()
                .map(|&k| crate::audit::curve::KnownFacts::Count(k))
                .collect(),
            curve_tuning: 100,
            inference: sensitive_titles(data).map(|ids| crate::inference::Sensitive::Items {
                ids,
                source: "the demo's sensitive titles".into(),
            }),
            ..crate::audit::AuditParams::default()
        },
        &audit_dir,
        false,
        &Executor::Local,
    )?
    .expect("a local audit reports");
    let _ = writeln!(
        report,
        "\nAn audit of the twin (400 people, 3 draws each, {} adversaries; candidates: {}):\n  {}\n  report:  {} (open it in a browser)\n  results: audit.json, risk.csv (names people: mode 0600)",
        audit.policies.first().map_or(0, |p| p.adversaries.len()),
        DEMO_AUDIT_POLICIES.join(", "),
        audit.verdict,
        audit_dir.join("report.html").display(),
    );
    // Which attack was the strongest against each policy: the worst adversary's.
    for policy in &audit.policies {
        if let Some((worst, attack)) = policy.worst_attack() {
            let _ = writeln!(
                report,
                "  against {}: {:.1}% by {}; the adversary knows {}",
                policy.policy,
                100.0 * worst.reidentified.unwrap_or(0.0),
                crate::audit::report::attack_words(attack),
                worst.name
            );
        }
    }
    inference_note(&audit, report);
    attributes_note(&audit, report);
    if let Some(crate::audit::BlindRecommendation {
        policy: spec,
        blind: (blind, blind_ci),
        informed: (informed, informed_ci),
    }) = crate::audit::blind_recommendation(&audit)
    {
        let pct = |x: f64| format!("{:.1}%", 100.0 * x);
        let _ = writeln!(
            report,
            "  A policy-blind audit (`deanon audit --naive`) would recommend {spec}: {} [{}, {}] against the default attack, \
             {} [{}, {}] against the adversary who knows the policy.",
            pct(blind),
            pct(blind_ci[0]),
            pct(blind_ci[1]),
            pct(informed),
            pct(informed_ci[0]),
            pct(informed_ci[1]),
        );
    }
    Ok(())
}

/// The demo's stand-in for a sensitive genre (the twin has none): the titles ranked 101st to
/// 120th by the number of people holding them, with their positions; `None` on a catalogue
/// too small to have them.
fn sensitive_titles(data: &crate::Dataset) -> Option<Vec<(u64, String)>> {
    let mut items: Vec<u32> = (0..data.num_items() as u32).collect();
    items.sort_by_key(|&i| (std::cmp::Reverse(data.support(i)), i));
    let titles: Vec<(u64, String)> = items
        .iter()
        .skip(100)
        .take(20)
        .enumerate()
        .map(|(k, &i)| (k as u64 + 1, data.item_ids().get(i as usize).to_string()))
        .collect();
    (!titles.is_empty()).then_some(titles)
}

/// What linking reveals under each policy, from the audit's third test.
fn inference_note(audit: &crate::audit::Audit, report: &mut String) {
    if audit.policies.iter().all(|p| p.inference.is_none()) {
        return;
    }
    let pct = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.1}%", 100.0 * x));
    let _ = writeln!(
        report,
        "  What linking reveals (the third test: 20 titles of middling popularity stand in for a sensitive genre; \
         does a person hold any of them beyond what the adversary knew? members against a control held out of the release):"
    );
    for p in &audit.policies {
        if let Some(i) = &p.inference {
            let r = &i.measured.all;
            let _ = writeln!(
                report,
                "    {}: members right {}, control {}, inference risk {}{}",
                p.policy,
                pct(r.main_accuracy),
                pct(r.control_accuracy),
                pct(r.risk),
                r.risk_ci.map_or(String::new(), |[a, b]| format!(
                    " [{}, {}]",
                    pct(Some(a)),
                    pct(Some(b))
                ))
            );
        }
    }
}

/// What the twin's people's attributes add, from the audit: their unicity alone, and the
/// baseline's re-identification by 2 facts without and with the attributes beside them.
fn attributes_note(audit: &crate::audit::Audit, report: &mut String) {
    let d = &audit.data;
    let Some(all) = d
        .attribute_unicity
        .iter()
        .find(|c| c.attributes.len() == d.attributes.len())
    else {
        return;
    };
    let Some(baseline) = audit.policies.first() else {
        return;
    };
    let rate = |prefix: &str| {
        baseline
            .adversaries
            .iter()
            .find(|a| a.name.starts_with(prefix))
            .and_then(|a| a.reidentified)
    };
    if let (Some(facts), Some(both)) = (rate("2 facts, dates +-3 d"), rate("attributes (")) {
        let _ = writeln!(
            report,
            "  What the people's attributes add ({}): alone they single out {:.1}% of the twin's people; \
             released as it is, 2 facts (dates +-3 d) re-identify {:.1}%, the same 2 facts with the attributes beside them {:.1}%.",
            d.attributes.join(", "),
            100.0 * all.unicity,
            100.0 * facts,
            100.0 * both
        );
    }
}

/// The demo's last part: a views-like log, its seasonal title, and what the statement "N people
/// watched it every day for 18 days in December 2022" reveals about those N.
fn published_statement(params: &DemoParams, report: &mut String) -> Result<()> {
    let views = GenerateParams::new(Preset::ViewsLike)
        .users(params.users)
        .seed(params.seed);
    let title = crate::dataset::generate::seasonal_title(&views).expect("views-like has one");
    let path = params.out_dir.join("views-like.deanon");
    store::save(&generate(&views)?, &path)?;
    let data = Arc::new(store::open(&path)?);
    let mut cohort = crate::cohort::CohortParams::new(crate::cohort::Statement::Streak {
        item: title.clone(),
        days: 18,
    });
    cohort.from = Some("2022-12-01".into());
    cohort.to = Some("2022-12-31".into());
    cohort.epsilon = Some(1.0);
    cohort.knowledge.seed = params.seed;
    let found = crate::progress::timed("demo: cohort", || crate::cohort::analyse(&data, &cohort))?;
    let json = params.out_dir.join("cohort.json");
    crate::atomic_file::write_json(&json, &found)?;
    let _ = writeln!(
        report,
        "\nA published statement about a small group, on a views-like log ({} people) at {}: title {title} is the \
         seasonal one, watched every day for weeks in December by a few (`deanon cohort`, report in {}):\n",
        params.users,
        path.display(),
        json.display()
    );
    report.push_str(&found.to_text());
    let verdict = match (found.anonymity_set_in_cohort, found.anonymity_set_in_population) {
        (Some(cohort), Some(everyone)) => format!(
            "Knowing that a friend is one of them, plus {} other titles they watched, leaves about {cohort:.1} \
             equally likely records to search instead of {everyone:.1}.",
            found.adversary.facts
        ),
        _ => "Nobody in the cohort could be attacked (it is empty, or its members hold too few other titles).".into(),
    };
    let _ = writeln!(
        report,
        "{}{verdict}",
        if found.singles_out {
            format!(
                "The statement names fewer than {} people: it singles them out. ",
                found.min_cell
            )
        } else {
            String::new()
        }
    );
    Ok(())
}
