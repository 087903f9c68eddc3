//! Tests of the policy language: the step table, printing and parsing back, refusals.

use super::*;
use crate::release::step::attr_generalize::AttrGeneralize;
use crate::release::step::date_coarsen::{DateCoarsen, Unit};
use crate::release::step::noise::Noise;
use crate::release::step::rating_noise::RatingNoise;
use crate::release::step::sample::Sample;

#[test]
fn every_step_of_the_table_parses_its_example() {
    for s in STEPS {
        assert!(s.example.starts_with(s.name), "{}", s.name);
        Policy::parse(s.example).unwrap_or_else(|e| panic!("{}: {e}", s.example));
        assert!(steps_help().contains(s.usage));
    }
}

#[test]
fn a_policy_prints_as_a_spec_that_parses_back_to_it() {
    for s in STEPS {
        let p = Policy::parse(s.example).unwrap();
        assert_eq!(Policy::parse(&p.to_string()).unwrap(), p, "{}", s.example);
    }
    let spec = "sample:fraction=0.1|rating-noise:scale=1|date-noise:days=7,dist=laplace|dp:epsilon=2,max_per_record=10|km-anonymity:k=5,m=2";
    assert_eq!(Policy::parse(spec).unwrap().to_string(), spec);
    assert_eq!(
        Policy::parse("rating-noise:scale=1.50,dist=laplace|date-coarsen:to=year")
            .unwrap()
            .to_string(),
        "rating-noise:scale=1.5|date-coarsen:to=year"
    );
    assert_eq!(
        Policy::parse("pseudonymize").unwrap().to_string(),
        "pseudonymize"
    );
}

#[test]
fn parses_pipelines_and_rejects_nonsense() {
    let p = Policy::parse(
        "pseudonymize|sample:fraction=0.1|rating-noise:scale=1,dist=uniform|date-coarsen:to=week",
    )
    .unwrap();
    assert_eq!(
        p.steps,
        vec![
            Step::Sample(Sample { fraction: 0.1 }),
            Step::RatingNoise(RatingNoise {
                scale: 1.0,
                noise: Noise::Uniform
            }),
            Step::DateCoarsen(DateCoarsen { to: Unit::Week })
        ]
    );
    assert!(Policy::parse("").unwrap().steps.is_empty());
    let toml = "[[step]]\nname = \"sample\"\nfraction = 0.1\n[[step]]\nname = \"date-coarsen\"\nto = \"week\"\n";
    assert_eq!(
        Policy::from_toml(toml).unwrap().steps,
        vec![
            Step::Sample(Sample { fraction: 0.1 }),
            Step::DateCoarsen(DateCoarsen { to: Unit::Week })
        ]
    );
    assert!(Policy::from_toml("[[step]]\nfraction = 1").is_err());
    for bad in [
        "sample",
        "sample:fraction=2",
        "sample:f=0.1",
        "blur",
        "km-anonymity:k=5,m=3",
        "date-coarsen:to=day",
        "drop:fraction=x",
    ] {
        assert!(Policy::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_anonymity_step_followed_by_a_step_that_breaks_it_is_refused() {
    for (spec, later) in [
        (
            "k-anonymity:k=5,attributes=age|sample:fraction=0.1",
            "sample",
        ),
        ("km-anonymity:k=5,m=2|sample:fraction=0.5", "sample"),
        ("km-anonymity:k=5,m=1|drop:fraction=0.2", "drop"),
        ("km-anonymity:k=5,m=1|truncate:max_per_record=5", "truncate"),
        ("km-anonymity:k=5,m=1|insert:fraction=0.1", "insert"),
        (
            "km-anonymity:k=5,m=1|rating-noise:scale=1|dp:epsilon=1",
            "dp",
        ),
    ] {
        let e = Policy::parse(spec).unwrap_err().to_string();
        assert!(
            e.contains(&format!("'{later}"))
                && e.contains("breaks its guarantee")
                && e.contains("put the anonymity step after it"),
            "{spec}: {e}"
        );
        assert_eq!(e.lines().count(), 1);
    }
    for spec in [
        "sample:fraction=0.5|k-anonymity:k=5,attributes=age",
        "k-anonymity:k=5,attributes=age|attr-generalize:name=age,width=20|attr-drop:name=gender|truncate:max_per_record=5|dp:epsilon=1",
        "k-anonymity:k=5,attributes=age|k-anonymity:k=3,attributes=age+gender",
        "km-anonymity:k=5,m=2|rare-items:min_support=10|rating-noise:scale=1|date-coarsen:to=month|microaggregate:k=5|k-anonymity:k=5,attributes=age",
        "truncate:max_per_record=5|km-anonymity:k=5,m=2",
    ] {
        Policy::parse(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
    }
}

#[test]
fn k_anonymity_attributes_named_twice_or_left_empty_are_refused() {
    for (spec, why) in [
        ("k-anonymity:k=5,attributes=age+age", "'age' twice"),
        ("k-anonymity:k=5,attributes=age+", "no empty name"),
        ("k-anonymity:k=5,attributes=+age", "no empty name"),
        ("k-anonymity:k=5", "no empty name"),
    ] {
        let e = Policy::parse(spec).unwrap_err().to_string();
        assert!(e.contains(why), "{spec}: {e}");
    }
}

#[test]
fn attr_generalize_width_above_i64_max_is_refused_naming_the_limit() {
    for spec in [
        "attr-generalize:name=age,width=9223372036854775808",
        "attr-generalize:name=age,width=1e30",
    ] {
        let e = Policy::parse(spec).unwrap_err().to_string();
        assert!(e.contains("from 1 to 9223372036854775807"), "{spec}: {e}");
    }
    for bad in ["0", "2.5", "-3", "x"] {
        let spec = format!("attr-generalize:name=age,width={bad}");
        assert!(Policy::parse(&spec).is_err(), "{spec}");
    }
    let p = Policy::parse("attr-generalize:name=age,width=9223372036854775807").unwrap();
    assert_eq!(
        p.steps,
        vec![Step::AttrGeneralize(AttrGeneralize {
            name: "age".into(),
            width: i64::MAX
        })]
    );
}

#[test]
fn a_policy_file_with_a_byte_order_mark_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.toml");
    std::fs::write(
        &path,
        "\u{feff}[[step]]\nname = \"sample\"\nfraction = 0.5\n",
    )
    .unwrap();
    let p = Policy::from_arg(path.to_str().unwrap()).unwrap();
    assert_eq!(p.steps, vec![Step::Sample(Sample { fraction: 0.5 })]);
}

#[test]
fn a_bad_date_unit_is_named_as_written_without_debug_output() {
    let e = Policy::parse("date-coarsen:to=decade")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "invalid argument: step 'date-coarsen' needs to=week, to=month or to=year, got to=decade"
    );
    let e = Policy::parse("date-coarsen").unwrap_err().to_string();
    assert_eq!(
        e,
        "invalid argument: step 'date-coarsen' needs to=week, to=month or to=year"
    );
}
