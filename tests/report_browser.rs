//! The audit's report.html in a real browser: headless Chromium renders it (`--dump-dom`,
//! `--screenshot`); the rendered page shows the verdict and the recommended policy, and the
//! screenshot is not blank. Chromium must be installed (`.ci/run` installs Debian's package;
//! set CHROMIUM to use another binary): without it this test fails, it never skips.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn chromium() -> PathBuf {
    let path = std::env::var("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "{} not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM",
        path.display()
    );
    path
}

fn headless(dir: &Path, extra: &[&str], page: &Path) -> std::process::Output {
    Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1200,2400",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

#[test]
fn the_report_renders_with_its_verdict_and_recommendation() {
    let dir = tempdir();
    let data = dir.path().join("d.deanon");
    ok(&[
        "generate",
        "--preset",
        "netflix-like",
        "--users",
        "3000",
        "--seed",
        "4",
        "-o",
        s(&data),
    ]);
    let out = dir.path().join("audit");
    ok(&[
        "audit",
        s(&data),
        "--policy",
        "date-coarsen:to=year|rating-noise:scale=1",
        "--policy",
        "date-drop|rating-drop|truncate:max_per_record=2|attr-drop:name=region|attr-generalize:name=age,width=20",
        "--sample",
        "200",
        "--draws",
        "2",
        "-o",
        s(&out),
    ]);
    let audit = read_json(&out.join("audit.json"));
    let recommended = audit["recommended"]
        .as_str()
        .expect("five items per person, without ratings or dates, region or exact age, meet the target on this twin");
    assert_eq!(
        recommended,
        "date-drop|rating-drop|truncate:max_per_record=2|attr-drop:name=region|attr-generalize:name=age,width=20"
    );
    let page = out.join("report.html");

    let dom = headless(dir.path(), &["--dump-dom"], &page);
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("id=\"verdict\""),
        "no verdict in the rendered page"
    );
    assert!(dom.contains("Released as it is"), "the verdict's words");
    assert!(
        dom.contains("id=\"threat-model\"") && dom.contains("knows the published policy"),
        "the threat model is stated"
    );
    // The rendered DOM escapes '|' nowhere; '&' would be.
    assert!(
        dom.contains(&format!("id=\"recommended\">{recommended}<")),
        "the recommended policy {recommended} is shown"
    );
    assert!(dom.matches("<svg").count() >= 4, "the plots are inline SVG");
    // The twin's people have attributes: the report says which make people unique.
    assert!(
        dom.contains("id=\"attributes\"") && dom.contains("age + gender + region"),
        "the attributes section is rendered"
    );

    let shot = dir.path().join("shot.png");
    let run = headless(
        dir.path(),
        &[&format!("--screenshot={}", shot.display())],
        &page,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let pixels = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut dark = 0usize;
    for p in pixels.chunks(channels) {
        colours.insert(p[..3].to_vec());
        dark += (p[0] < 128 && p[1] < 128 && p[2] < 128) as usize;
    }
    let total = pixels.len() / channels;
    assert!(info.width == 1200 && total > 1_000_000);
    assert!(
        colours.len() > 50,
        "a blank screenshot: {} colours",
        colours.len()
    );
    assert!(
        dark > total / 500,
        "text is drawn: {dark} dark pixels of {total}"
    );
}
