//! The presence model of the likelihood (docs/method.md section 13.4): how likely a true fact of
//! the target is to be in its released record, by the record's class.
//!
//! A release that keeps at most T entries of each person (`truncate`, `dp`) lost nothing of a
//! person whose released record holds fewer than T entries, and kept each true entry of one
//! whose record holds T with probability q = T / n, n the person's true number of entries,
//! which an adversary who knows k facts of the target puts at max(k, nbar). So records fall in
//! two classes by their number of entries, and the wrong-fact rate of class c is
//! w_c = 1 - (1 - w) q_c (q = 1 for the class that lost nothing): a record's log-likelihood
//! ratio is k ln w_c + sum over the facts it holds of ln(1 + K_c X), K_c = (1 - w_c) / w_c.
//!
//! The kernel keeps w's K in each fact's tables and multiplies X by K_c / K (exactly 1 for the
//! class that lost nothing, so that without a cap every term keeps its bits), and after the facts
//! adds k (ln w_c - ln w) >= 0 to every record of class c: one dense term per record that depends
//! only on its class, so every score stays at least 0 (w is the smallest w_c) and the posterior
//! puts k ln w back.

use super::likelihood::RecordWindow;

/// nbar when the adversary gives none: this many times the cap. The model is calibrated when
/// nbar is the harmonic mean of the true lengths of the people with at least max(k, T)
/// entries; on the netflix-like twin cut to T = 5 that is 10T (k = 8) to 19T (k = 30), and a cap
/// nearer the typical length makes it a few T: 8T lies between.
pub const CAPPED_LENGTH_PER_CAP: f64 = 8.0;

/// What the adversary believes a release does to the presence of a person's entries.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Presence {
    /// T: the most entries the release keeps of a person; 0 models no cap.
    pub cap: u64,
    /// nbar: the true number of entries of a person whose record the cap cut; 0 for
    /// [`CAPPED_LENGTH_PER_CAP`] x T.
    pub capped_length: f64,
}

impl Presence {
    /// Whether a released record of `entries` entries may have lost some to the cap.
    pub fn capped(&self, entries: usize) -> bool {
        self.cap > 0 && entries as u64 >= self.cap
    }

    /// q of a capped record: the chance that a true entry of the target survived the cap, for
    /// an adversary who knows `k` facts of the target (so that it has at least k entries).
    pub fn kept_when_capped(&self, k: usize) -> f64 {
        if self.cap == 0 {
            return 1.0;
        }
        let t = self.cap as f64;
        let n = if self.capped_length > 0.0 {
            self.capped_length
        } else {
            CAPPED_LENGTH_PER_CAP * t
        };
        (t / n.max(k as f64)).min(1.0)
    }

    /// The terms of an aux record of `k` item facts, for the wrong-fact rate `w` of a record that
    /// lost nothing (at least the smallest rate the kernel uses).
    pub fn terms(&self, w: f64, k: usize) -> PresenceTerms {
        let q = self.kept_when_capped(k);
        if q >= 1.0 {
            return PresenceTerms::NONE;
        }
        let capped = 1.0 - (1.0 - w) * q;
        let odds = ((1.0 - capped) / capped) / ((1.0 - w) / w);
        let lacking = (k as f64 * (capped.ln() - w.ln())).max(0.0);
        PresenceTerms {
            capped_odds: odds as f32,
            capped_lacking: lacking as f32,
        }
    }
}

/// One aux record's presence terms: what a capped record's terms differ by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PresenceTerms {
    /// K_c / K: what the X of a capped record's posting is multiplied by.
    pub capped_odds: f32,
    /// k (ln w_c - ln w): what every capped record adds.
    pub capped_lacking: f32,
}

/// What X of a posting is multiplied by, given its record's window.
pub trait ClassOdds {
    /// The factor of a posting of a record with window `w`.
    fn odds(&self, w: RecordWindow) -> f32;
}

/// No record in a capped class: the factor is 1, a constant the scatter's arithmetic drops.
pub struct LostNothing;

impl ClassOdds for LostNothing {
    #[inline(always)]
    fn odds(&self, _: RecordWindow) -> f32 {
        1.0
    }
}

impl ClassOdds for PresenceTerms {
    #[inline(always)]
    fn odds(&self, w: RecordWindow) -> f32 {
        if w.capped { self.capped_odds } else { 1.0 }
    }
}

impl PresenceTerms {
    /// Every record in the class that lost nothing: nothing changes.
    pub const NONE: PresenceTerms = PresenceTerms {
        capped_odds: 1.0,
        capped_lacking: 0.0,
    };

    /// Adds each record's lacking term into `acc` (one slot per window). A short record adds
    /// 0, which leaves its score's bits as they are (scores are at least 0), without a branch.
    pub fn add_lacking(&self, windows: &[RecordWindow], acc: &mut [f32]) {
        if self.capped_lacking == 0.0 {
            return;
        }
        for (slot, w) in acc.iter_mut().zip(windows) {
            *slot += if w.capped { self.capped_lacking } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cap_lowers_the_odds_and_adds_the_lacking_terms_of_capped_records() {
        assert_eq!(Presence::default().terms(0.1, 8), PresenceTerms::NONE);
        let p = Presence {
            cap: 5,
            capped_length: 0.0,
        };
        assert!(!p.capped(4) && p.capped(5) && p.capped(6));
        // nbar = 40: q = 1/8; with 50 facts, n >= 50: q = 1/10.
        assert_eq!(p.kept_when_capped(8), 0.125);
        assert_eq!(p.kept_when_capped(50), 0.1);
        let t = p.terms(0.1, 8);
        let wc: f64 = 1.0 - 0.9 * 0.125;
        assert!((t.capped_odds as f64 - (1.0 - wc) / wc / 9.0).abs() < 1e-7);
        assert!((t.capped_lacking as f64 - 8.0 * (wc.ln() - 0.1f64.ln())).abs() < 1e-5);
        // A cap no record reaches with a short nbar: q = 1, nothing changes.
        let loose = Presence {
            cap: 50,
            capped_length: 10.0,
        };
        assert_eq!(loose.terms(0.1, 8), PresenceTerms::NONE);
        let windows = [
            RecordWindow::default(),
            RecordWindow {
                capped: true,
                ..RecordWindow::default()
            },
        ];
        let mut acc = [0.5f32, 0.5];
        t.add_lacking(&windows, &mut acc);
        assert_eq!(acc, [0.5, 0.5 + t.capped_lacking]);
        assert_eq!(
            (t.odds(windows[0]), t.odds(windows[1])),
            (1.0, t.capped_odds)
        );
    }
}
