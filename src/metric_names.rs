//! The names of the metrics of outcomes.csv, as one plain list: `metrics` computes them, and the
//! scenario loader checks that `[observed]` names only metrics that exist. No dependencies, so
//! that both can read it without knowing each other.

/// Metrics that are one number for the whole pool, in the order of outcomes.csv (the metrics
/// per destination and the `via` shares come after the channels).
pub const TOTALS: [&str; 37] = [
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
];

/// Metrics given once per destination, named `<metric>_<destination id>`.
pub const PER_DESTINATION: [&str; 4] = [
    "departure_share",
    "registered_departures_per_year",
    "arrivals_per_year",
    "sea_arrivals_per_year",
];

/// The name of metric `metric` (one of [`PER_DESTINATION`]) for destination `destination`.
pub fn per_destination(metric: &str, destination: &str) -> String {
    format!("{metric}_{destination}")
}

/// The share of arrivals at `destination` whose route passed through transit `location`.
pub fn via_share(location: &str, destination: &str) -> String {
    format!("via_{location}_share_{destination}")
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
            per_destination("arrivals_per_year", "italy"),
            "arrivals_per_year_italy"
        );
        assert_eq!(via_share("libya", "italy"), "via_libya_share_italy");
    }
}
