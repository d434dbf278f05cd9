//! The names of the metrics of outcomes.csv, as one plain list: `metrics` computes them, and the
//! scenario loader checks that `[observed]` names only metrics that exist. No dependencies, so
//! that both can read it without knowing each other.

/// Metrics that are one number for the whole pool, in the order of outcomes.csv (the metrics
/// per destination and the `via` shares come after the channels).
pub const TOTALS: [&str; 51] = [
    "departures_per_year",
    "registered_departures_per_year",
    "regular_departures_per_year",
    "visa_fraud_departures_per_year",
    "irregular_departures_per_year",
    "cross_border_departures_per_year",
    "women_share",
    "mean_migration_cost_usd",
    "cost_months_of_earnings",
    "borrowed_share",
    "broker_share",
    "mean_irregular_cost_usd",
    "mean_visa_fraud_cost_usd",
    "collateral_lost_share",
    "repaid_share",
    "mean_months_to_repay",
    "debt_bondage_share",
    "debt_trap_share",
    "forced_labour_share",
    "trafficked_per_1000",
    "trafficked_bd_law_per_1000",
    "promise_broken_share",
    "failed_migration_share",
    "deaths_per_1000_irregular",
    "detained_share_irregular",
    "sea_crossing_death_share",
    "returns_per_year",
    "undocumented_returns_per_year",
    "returnee_in_debt_share",
    "remigration_share",
    "remigration_irregular_share",
    "reintegration_sustainable_share",
    "identified_per_year",
    "investigations_per_year",
    "prosecutions_per_year",
    "convictions_per_year",
    "remittances_usd_per_year",
    "forced_labour_prevalence_per_1000",
    "debt_bondage_prevalence_per_1000",
    "failed_attempt_share",
    "lost_before_departure_usd_per_year",
    "offloaded_per_year",
    "smuggled_per_year",
    "trafficked_per_year",
    "held_for_ransom_per_year",
    "ransom_paid_usd_per_year",
    "deaths_in_captivity_per_year",
    "deaths_per_year",
    "onward_departures_per_year",
    "stranded_per_year",
    "sexual_violence_per_year",
];

/// `trafficked_per_year` is also given by these dimensions (levels: the channel, the recruiter
/// kind's id; by sex and skill as a metric of [`BY_GROUP`]).
pub const TRAFFICKED_BY: [&str; 2] = [BY_CHANNEL, BY_RECRUITER_KIND];

/// The headline outcomes, also given by sex (`women`, `men`) and by skill (`skilled`,
/// `unskilled`): the same definitions over the group's own counts and denominators.
pub const BY_GROUP: [&str; 26] = [
    "departures_per_year",
    "registered_departures_per_year",
    "irregular_departures_per_year",
    "cross_border_departures_per_year",
    "mean_migration_cost_usd",
    "borrowed_share",
    "broker_share",
    "collateral_lost_share",
    "debt_bondage_share",
    "debt_trap_share",
    "forced_labour_share",
    "trafficked_per_1000",
    "trafficked_per_year",
    "promise_broken_share",
    "failed_migration_share",
    "deaths_per_1000_irregular",
    "deaths_per_year",
    "held_for_ransom_per_year",
    "forced_labour_prevalence_per_1000",
    "debt_bondage_prevalence_per_1000",
    "stranded_per_year",
    "returns_per_year",
    "undocumented_returns_per_year",
    "returnee_in_debt_share",
    "remigration_irregular_share",
    "reintegration_sustainable_share",
];

/// Metrics by destination also given for women and for men, `by = sex+destination`.
pub const BY_SEX_DESTINATION: [&str; 2] = ["registered_departures_per_year", "departure_share"];
pub const BY_SEX_DESTINATION_DIM: &str = "sex+destination";

/// Metrics also given by destination (`by = destination`, `level` = the destination's id).
pub const PER_DESTINATION: [&str; 5] = [
    "departure_share",
    "registered_departures_per_year",
    "arrivals_per_year",
    "sea_arrivals_per_year",
    "returns_per_year",
];

/// The share of arrivals at a destination whose route passed through a transit location, given
/// `by = destination+location` with `level = <destination>+<location>`.
pub const VIA_SHARE: &str = "via_share";

/// The dimensions of the breakdowns.
pub const BY_DESTINATION: &str = "destination";
pub const BY_DESTINATION_LOCATION: &str = "destination+location";
pub const BY_CHANNEL: &str = "channel";
pub const BY_RECRUITER_KIND: &str = "recruiter_kind";
pub const BY_SEX: &str = "sex";
pub const BY_SKILL: &str = "skill";
pub const BY_LOCATION: &str = "location";

/// What identifies one value of outcomes.csv within a replicate: the metric, and the breakdown
/// (`by`, `level`; both empty for the total), as the output contract writes them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub metric: String,
    pub by: String,
    pub level: String,
}

impl Key {
    /// A metric for the whole pool.
    pub fn total(metric: &str) -> Key {
        Key {
            metric: metric.to_string(),
            by: String::new(),
            level: String::new(),
        }
    }

    /// Metric `metric` (one of [`PER_DESTINATION`]) for destination `destination`.
    pub fn per_destination(metric: &str, destination: &str) -> Key {
        Key {
            metric: metric.to_string(),
            by: BY_DESTINATION.to_string(),
            level: destination.to_string(),
        }
    }

    /// Metric `metric` broken down by dimension `by`, at level `level`.
    pub fn by(metric: &str, by: &str, level: &str) -> Key {
        Key {
            metric: metric.to_string(),
            by: by.to_string(),
            level: level.to_string(),
        }
    }

    /// The share of arrivals at `destination` whose route passed through `location`.
    pub fn via_share(destination: &str, location: &str) -> Key {
        Key {
            metric: VIA_SHARE.to_string(),
            by: BY_DESTINATION_LOCATION.to_string(),
            level: format!("{destination}+{location}"),
        }
    }
}

/// `metric`, or `metric[by=level]` for a breakdown: how messages and tests name a value.
impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.by.is_empty() {
            f.write_str(&self.metric)
        } else {
            write!(f, "{}[{}={}]", self.metric, self.by, self.level)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_plain() {
        for list in [&TOTALS[..], &PER_DESTINATION[..]] {
            let mut names = list.to_vec();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), list.len(), "a name is listed twice");
            for name in names {
                assert!(
                    name.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "{name}"
                );
            }
        }
        assert_eq!(
            Key::per_destination("arrivals_per_year", "italy").to_string(),
            "arrivals_per_year[destination=italy]"
        );
        assert_eq!(
            Key::via_share("italy", "libya").to_string(),
            "via_share[destination+location=italy+libya]"
        );
        assert_eq!(Key::total("women_share").to_string(), "women_share");
    }
}
