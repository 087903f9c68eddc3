//! The views-like preset's logs: runs of consecutive days on a title, rewatches, and the
//! seasonal title's December binges.

use super::World;
use crate::dataset::builder::EntryChunk;
use crate::dataset::{NO_RATING, values};
use crate::rng::Rng;

impl World<'_> {
    /// The seasonal title's December binge, for the share of people who have one.
    pub(super) fn seasonal_binge(&self, user: u32, rng: &mut Rng, chunk: &mut EntryChunk) {
        let (Some(s), Some(item)) = (self.shape.seasonal, self.seasonal_item) else {
            return;
        };
        if !rng.bernoulli(s.share) {
            return;
        }
        let (first, last) = (self.shape.first_day as i64, self.shape.last_day as i64);
        let (first_year, _, _) = values::civil_from_days(first);
        let (last_year, _, _) = values::civil_from_days(last);
        let year = rng.range_inclusive(first_year, last_year);
        let start =
            values::days_from_civil(year, 12, 1) + rng.range_inclusive(s.start_min, s.start_max);
        let length = rng.range_inclusive(s.days.0, s.days.1);
        for day in start.max(first)..(start + length).min(last + 1) {
            let views = 1 + rng.bernoulli(s.twice) as usize;
            for _ in 0..views {
                chunk.push(user, item, NO_RATING, day as u16);
            }
        }
    }

    pub(super) fn viewer(
        &self,
        user: u32,
        rng: &mut Rng,
        seen: &mut [bool],
        chunk: &mut EntryChunk,
    ) {
        let titles = self.activity(rng, self.items / 2);
        let (start, end) = self.window(rng);
        let last = self.shape.last_day as i64;
        for item in self.draw_items(titles, rng, seen) {
            let runs = if rng.bernoulli(0.15) {
                2 + rng.below(4)
            } else {
                1
            };
            for _ in 0..runs {
                let first = rng.range_inclusive(start, end);
                let length = rng.geometric(0.35) as i64;
                for day in first..(first + length).min(last + 1) {
                    chunk.push(user, item, NO_RATING, day as u16);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dataset::DatasetKind;
    use crate::dataset::generate::{GenerateParams, Preset, generate, seasonal_title};

    #[test]
    fn views_like_seasonal_title_is_binged_in_december() {
        use crate::dataset::cohort::{self, Rule, Subject, Window};
        use crate::dataset::values::days_from_civil;
        let params = GenerateParams::new(Preset::ViewsLike).users(20_000).seed(3);
        let d = generate(&params).unwrap();
        let title = seasonal_title(&params).unwrap();
        let item = cohort::item_index(&d, &title, "item").unwrap();
        // Its popularity rank is 300 (of 1,000): a title many watch the usual way too.
        assert!(d.support(item) > 100, "supp {}", d.support(item));
        let streak = |days: u32, from: i64, to: i64| {
            let window = Window {
                from: Some(from as u16),
                to: Some(to as u16),
            };
            let rule = Rule::Streak {
                subject: Subject::Item(item),
                days,
            };
            cohort::select(&d, &rule, &window).len()
        };
        // 0.3% of 20,000: about 60 binges of 14 to 21 days over five Decembers (starting
        // 28 November to 5 December); ordinary runs of 14 days are rare (0.65^13 = 0.4%).
        let december = |year: i64, days: u32| {
            streak(
                days,
                days_from_civil(year, 11, 28),
                days_from_civil(year, 12, 31),
            )
        };
        let binges: usize = (2019..=2023).map(|y| december(y, 14)).sum();
        assert!((35..=95).contains(&binges), "{binges} December binges");
        let long: usize = (2019..=2023).map(|y| december(y, 22)).sum();
        assert!(long <= 2, "{long} binges longer than 21 days");
        // Outside December (here: the whole of June of each year) 14-day streaks are rare.
        let june: usize = (2019..=2023)
            .map(|y| streak(14, days_from_civil(y, 6, 1), days_from_civil(y, 6, 30)))
            .sum();
        assert!(june * 5 < binges, "{june} June streaks vs {binges}");
    }

    #[test]
    fn views_like_has_rewatches_and_no_ratings() {
        let d = generate(&GenerateParams::new(Preset::ViewsLike).users(2000).seed(2)).unwrap();
        assert_eq!(d.kind(), DatasetKind::Views);
        assert!(!d.has_ratings());
        let repeats = (0..d.num_records() as u32)
            .filter(|&r| d.record(r).keys.windows(2).any(|w| w[0] == w[1]))
            .count();
        assert!(repeats > d.num_records() / 2, "{repeats}");
    }
}
