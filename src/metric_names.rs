//! The dictionary of outcomes.csv: one row per metric and breakdown, with its unit, its
//! denominator and its definition, in the order outcomes.csv writes them. It is the one list of
//! metric names: `metrics` computes the values it names, the scenario loader lets `[observed]`
//! refer only to what it holds, `crossroads metrics` prints it (committed as docs/metrics.csv),
//! and the lists below ([`TOTALS`], [`PER_DESTINATION`], [`TRAFFICKED_BY`]) are derived from it
//! when the program is compiled. No dependencies, so that all of them can read it without
//! knowing each other.
//!
//! comparison.csv adds a few rows that are not metrics of a run (ratios of two differences
//! between runs); they are described in [`COMPARISON_ONLY`], outside the dictionary.
//!
//! To add a metric: add a row to [`DICTIONARY`] where outcomes.csv will write it, and the value
//! in `metrics::outcomes`; the end-to-end test `dictionary` fails until the two agree, row for
//! row and in order, and until docs/metrics.csv is regenerated. A new breakdown dimension is a
//! new [`Dimension`]; the compiler then points to every place that must know its levels.

/// A breakdown dimension: what the `by` column of outcomes.csv names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// The whole pool: `by` and `level` empty.
    Total,
    /// `level` is a destination's id.
    Destination,
    /// `level` is `<destination>+<location>`, a transit location on a route to the destination.
    DestinationLocation,
    /// `level` is a channel: `regular`, `visa_fraud`, `irregular`, `cross_border`.
    Channel,
    /// `level` is a `[[recruiter]]` id.
    RecruiterKind,
    /// `level` is `women` or `men`.
    Sex,
    /// `level` is `skilled` or `unskilled`.
    Skill,
    /// `level` is a `[[location]]` id: where something happened.
    Location,
    /// `level` is `<women|men>+<destination>`.
    SexDestination,
    /// `level` is where a victim was identified: `working`, `captive`, `detained`, `stranded`.
    State,
    /// `level` is a policy lever: `recruitment`, `cooperation`, `reintegration`, `awareness`,
    /// `enforcement`.
    Lever,
    /// `level` is `<recruiter id>+<location>`: recruiters of a kind by the base they operate from.
    RecruiterKindLocation,
    /// `level` is a `[[location]]` id: the base a recruiter operates from.
    Base,
}

/// The dimensions of the breakdowns, as the `by` column writes them.
pub const BY_DESTINATION: &str = "destination";
pub const BY_DESTINATION_LOCATION: &str = "destination+location";
pub const BY_CHANNEL: &str = "channel";
pub const BY_RECRUITER_KIND: &str = "recruiter_kind";
pub const BY_SEX: &str = "sex";
pub const BY_SKILL: &str = "skill";
pub const BY_LOCATION: &str = "location";
pub const BY_SEX_DESTINATION_DIM: &str = "sex+destination";
pub const BY_STATE: &str = "state";
pub const BY_LEVER: &str = "lever";
pub const BY_RECRUITER_KIND_LOCATION: &str = "recruiter_kind+location";
pub const BY_BASE: &str = "base";

impl Dimension {
    /// Every dimension.
    pub const ALL: [Dimension; 13] = [
        Dimension::Total,
        Dimension::Destination,
        Dimension::DestinationLocation,
        Dimension::Channel,
        Dimension::RecruiterKind,
        Dimension::Sex,
        Dimension::Skill,
        Dimension::Location,
        Dimension::SexDestination,
        Dimension::State,
        Dimension::Lever,
        Dimension::RecruiterKindLocation,
        Dimension::Base,
    ];

    /// The `by` column: empty for the total.
    pub const fn name(self) -> &'static str {
        match self {
            Dimension::Total => "",
            Dimension::Destination => BY_DESTINATION,
            Dimension::DestinationLocation => BY_DESTINATION_LOCATION,
            Dimension::Channel => BY_CHANNEL,
            Dimension::RecruiterKind => BY_RECRUITER_KIND,
            Dimension::Sex => BY_SEX,
            Dimension::Skill => BY_SKILL,
            Dimension::Location => BY_LOCATION,
            Dimension::SexDestination => BY_SEX_DESTINATION_DIM,
            Dimension::State => BY_STATE,
            Dimension::Lever => BY_LEVER,
            Dimension::RecruiterKindLocation => BY_RECRUITER_KIND_LOCATION,
            Dimension::Base => BY_BASE,
        }
    }

    /// The dimension the `by` column `by` names.
    pub fn from_name(by: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.name() == by)
    }
}

/// The unit of a metric's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Persons a year: a count over the reported months × 12 ÷ months.
    PersonsPerYear,
    /// Events a year that are not persons (investigations, prosecutions, convictions).
    PerYear,
    /// A fraction between 0 and 1 of the denominator.
    Share,
    /// Per 1,000 of the denominator.
    Per1000,
    /// US dollars, an average over the denominator.
    Usd,
    /// US dollars a year.
    UsdPerYear,
    /// Months, an average over the denominator.
    Months,
    /// Recruiters (real, not sampled), an average over the months.
    Recruiters,
}

impl Unit {
    /// The unit as the dictionary writes it.
    pub const fn name(self) -> &'static str {
        match self {
            Unit::PersonsPerYear => "persons/year",
            Unit::PerYear => "per year",
            Unit::Share => "share",
            Unit::Per1000 => "per 1000",
            Unit::Usd => "USD",
            Unit::UsdPerYear => "USD/year",
            Unit::Months => "months",
            Unit::Recruiters => "recruiters",
        }
    }
}

/// One row of the dictionary: a metric of outcomes.csv given by one dimension.
#[derive(Clone, Copy, Debug)]
pub struct Metric {
    /// The `metric` column.
    pub metric: &'static str,
    /// The `by` column.
    pub by: Dimension,
    pub unit: Unit,
    /// Who a share, rate or mean is taken over (for a breakdown, restricted to the level); empty
    /// for counts a year.
    pub denominator: &'static str,
    /// What the value measures, in plain words.
    pub definition: &'static str,
}

/// The header of `crossroads metrics` (docs/metrics.csv).
pub const DICTIONARY_HEADER: [&str; 5] = ["metric", "by", "unit", "denominator", "definition"];

impl Metric {
    /// The row as `crossroads metrics` writes it, in the order of [`DICTIONARY_HEADER`].
    pub fn record(&self) -> [&'static str; 5] {
        [
            self.metric,
            self.by.name(),
            self.unit.name(),
            self.denominator,
            self.definition,
        ]
    }
}

use Dimension as D;
use Unit as U;

/// Every metric of outcomes.csv, one row per dimension it is given by, in the order in which
/// outcomes.csv (`metrics::outcomes`) first writes each pair of metric and dimension.
pub const DICTIONARY: &[Metric] = &[
    Metric {
        metric: "departures_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "People leaving home on a migration attempt, by any of the four channels.",
    },
    Metric {
        metric: "registered_departures_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Departures with a work visa and government clearance: the regular and visa_fraud channels together, as official statistics count them.",
    },
    Metric {
        metric: "regular_departures_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Departures on a work visa obtained through a licensed agency, with or without a broker in the chain.",
    },
    Metric {
        metric: "visa_fraud_departures_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Departures on a fake contract or visa that was sold as a regular one.",
    },
    Metric {
        metric: "irregular_departures_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Departures without a work visa: journeys sold by smugglers or trafficking networks, and visit visas sold as jobs.",
    },
    Metric {
        metric: "cross_border_departures_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Departures over the land border into India.",
    },
    Metric {
        metric: "departure_share",
        by: D::Destination,
        unit: U::Share,
        denominator: "registered departures",
        definition: "Share of all registered departures that were bound for the destination.",
    },
    Metric {
        metric: "registered_departures_per_year",
        by: D::Destination,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Registered departures (regular and visa_fraud) bound for the destination.",
    },
    Metric {
        metric: "arrivals_per_year",
        by: D::Destination,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "People reaching the destination, by any channel.",
    },
    Metric {
        metric: "sea_arrivals_per_year",
        by: D::Destination,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "People reaching the destination whose last leg was a sea crossing.",
    },
    Metric {
        metric: "via_share",
        by: D::DestinationLocation,
        unit: U::Share,
        denominator: "arrivals at the destination",
        definition: "Arrivals at the destination whose route passed through the location; given for every transit location (not the capital) on some route to the destination.",
    },
    Metric {
        metric: "women_share",
        by: D::Total,
        unit: U::Share,
        denominator: "registered departures",
        definition: "Women among registered departures.",
    },
    Metric {
        metric: "mean_migration_cost_usd",
        by: D::Total,
        unit: U::Usd,
        denominator: "registered departures",
        definition: "Average amount an episode cost in recruitment fees, travel and documents; ransoms are left out.",
    },
    Metric {
        metric: "cost_months_of_earnings",
        by: D::Total,
        unit: U::Months,
        denominator: "registered departures that reached paid work",
        definition: "Average migration cost divided by the average wage of the first full month of work, both taken over the same people (a ratio of means).",
    },
    Metric {
        metric: "borrowed_share",
        by: D::Total,
        unit: U::Share,
        denominator: "registered departures",
        definition: "Borrowed money, any amount, to pay for the episode.",
    },
    Metric {
        metric: "broker_share",
        by: D::Total,
        unit: U::Share,
        denominator: "registered departures",
        definition: "Paid some part of the cost to an informal broker (dalal).",
    },
    Metric {
        metric: "mean_irregular_cost_usd",
        by: D::Total,
        unit: U::Usd,
        denominator: "irregular departures bound for Europe",
        definition: "Average amount paid to smugglers and for travel; ransoms are left out.",
    },
    Metric {
        metric: "mean_visa_fraud_cost_usd",
        by: D::Total,
        unit: U::Usd,
        denominator: "visa_fraud departures",
        definition: "Average price paid for the fake contract or visa.",
    },
    Metric {
        metric: "collateral_lost_share",
        by: D::Total,
        unit: U::Share,
        denominator: "departures that borrowed",
        definition: "Lost the land or property pledged for a loan after defaulting on it.",
    },
    Metric {
        metric: "repaid_share",
        by: D::Total,
        unit: U::Share,
        denominator: "departures that borrowed",
        definition: "Paid off the whole debt before the follow-up ended.",
    },
    Metric {
        metric: "mean_months_to_repay",
        by: D::Total,
        unit: U::Months,
        denominator: "departures that repaid",
        definition: "Average months from departure until the debt was paid off.",
    },
    Metric {
        metric: "debt_bondage_share",
        by: D::Total,
        unit: U::Share,
        denominator: "departures",
        definition: "In debt bondage at some point of the episode, followed to the end of the run.",
    },
    Metric {
        metric: "debt_trap_share",
        by: D::Total,
        unit: U::Share,
        denominator: "departures",
        definition: "In a debt trap at some point of the episode, followed to the end of the run.",
    },
    Metric {
        metric: "forced_labour_share",
        by: D::Total,
        unit: U::Share,
        denominator: "departures",
        definition: "In forced labour at some point of the episode, followed to the end of the run.",
    },
    Metric {
        metric: "trafficked_per_1000",
        by: D::Total,
        unit: U::Per1000,
        denominator: "departures",
        definition: "Trafficked in the sense of the Palermo Protocol (an act, a means and a purpose of exploitation), per 1,000 departures.",
    },
    Metric {
        metric: "trafficked_bd_law_per_1000",
        by: D::Total,
        unit: U::Per1000,
        denominator: "departures",
        definition: "Trafficked in the wider sense of Bangladesh's 2012 law, which adds failed migration schemes that cost the migrant a loss, per 1,000 departures; attempts whose recruiter absconded before departure count in the numerator though they are not departures.",
    },
    Metric {
        metric: "promise_broken_share",
        by: D::Total,
        unit: U::Share,
        denominator: "departures that arrived",
        definition: "Found a job or wage clearly worse than promised: paid under 90% of the promised wage, put to other work, or given no job.",
    },
    Metric {
        metric: "failed_migration_share",
        by: D::Total,
        unit: U::Share,
        denominator: "departures",
        definition: "Never reached paid work abroad: died, was refused entry, deported or intercepted before working, or found no job.",
    },
    Metric {
        metric: "deaths_per_1000_irregular",
        by: D::Total,
        unit: U::Per1000,
        denominator: "irregular departures",
        definition: "Deaths during the episode per 1,000 irregular departures (deaths counted as deaths_estimator says: by default the expected deaths, the sum of the probabilities of the death hazards faced).",
    },
    Metric {
        metric: "detained_share_irregular",
        by: D::Total,
        unit: U::Share,
        denominator: "irregular departures",
        definition: "Detained at least once during the episode.",
    },
    Metric {
        metric: "sea_crossing_death_share",
        by: D::Total,
        unit: U::Share,
        denominator: "attempts to cross a sea leg",
        definition: "Deaths at sea per attempted sea crossing (deaths counted as deaths_estimator says: by default expected).",
    },
    Metric {
        metric: "returns_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "People coming home, whatever the reason.",
    },
    Metric {
        metric: "undocumented_returns_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Returns on a travel permit instead of a passport: deported, refused entry, stranded, identified as a victim, or with the passport withheld.",
    },
    Metric {
        metric: "returnee_in_debt_share",
        by: D::Total,
        unit: U::Share,
        denominator: "returns",
        definition: "Still owed money on the day of return.",
    },
    Metric {
        metric: "remigration_share",
        by: D::Total,
        unit: U::Share,
        denominator: "returns that can be followed for 24 months",
        definition: "Left again within 24 months of coming home.",
    },
    Metric {
        metric: "remigration_irregular_share",
        by: D::Total,
        unit: U::Share,
        denominator: "returns that can be followed for 24 months",
        definition: "Left again within 24 months of coming home, by the irregular or cross_border channel.",
    },
    Metric {
        metric: "reintegration_sustainable_share",
        by: D::Total,
        unit: U::Share,
        denominator: "returns that can be followed for 12 months",
        definition: "Twelve months after return: at home, with an income (work plus any support) that covers at least subsistence and debt service, not gone again irregularly, and not trafficked again.",
    },
    Metric {
        metric: "identified_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Trafficking victims identified.",
    },
    Metric {
        metric: "investigations_per_year",
        by: D::Total,
        unit: U::PerYear,
        denominator: "",
        definition: "Investigations of recruiters.",
    },
    Metric {
        metric: "prosecutions_per_year",
        by: D::Total,
        unit: U::PerYear,
        denominator: "",
        definition: "Prosecutions of recruiters.",
    },
    Metric {
        metric: "convictions_per_year",
        by: D::Total,
        unit: U::PerYear,
        denominator: "",
        definition: "Persons convicted of trafficking or recruitment offences, as the US TIP Report counts them: a convicted recruiter's persons (`persons` of its kind; a network's members).",
    },
    Metric {
        metric: "remittances_usd_per_year",
        by: D::Total,
        unit: U::UsdPerYear,
        denominator: "",
        definition: "Money migrants sent home.",
    },
    Metric {
        metric: "forced_labour_prevalence_per_1000",
        by: D::Total,
        unit: U::Per1000,
        denominator: "persons abroad in the month: working, held or detained, or stranded (not those travelling)",
        definition: "Persons in forced labour in a month per 1,000 persons abroad that month, averaged over the months (a point prevalence, independent of follow-up).",
    },
    Metric {
        metric: "debt_bondage_prevalence_per_1000",
        by: D::Total,
        unit: U::Per1000,
        denominator: "persons abroad in the month: working, held or detained, or stranded (not those travelling)",
        definition: "Persons in debt bondage in a month per 1,000 persons abroad that month, averaged over the months (a point prevalence, independent of follow-up).",
    },
    Metric {
        metric: "failed_attempt_share",
        by: D::Total,
        unit: U::Share,
        denominator: "attempts (one starts with a seeker's first payment to a recruiter; counted in the year of that payment)",
        definition: "Attempts that ended without paid work abroad: failed before departure (the recruiter absconded, the visa was refused, or the traveller was offloaded at the airport) or failed after leaving.",
    },
    Metric {
        metric: "lost_before_departure_usd_per_year",
        by: D::Total,
        unit: U::UsdPerYear,
        denominator: "",
        definition: "Money lost on attempts that never left: what the household paid (less any part an absconding recruiter had advanced), plus the fare of those offloaded at the airport.",
    },
    Metric {
        metric: "offloaded_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Travellers who had paid and were stopped by exit immigration at the airport.",
    },
    Metric {
        metric: "smuggled_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Irregular departures through smugglers: a paid, consented crossing, counted as trafficking only if it turns into exploitation.",
    },
    Metric {
        metric: "trafficked_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Persons trafficked (Palermo Protocol), counted in the year they departed.",
    },
    Metric {
        metric: "trafficked_per_year",
        by: D::Channel,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Persons trafficked (Palermo Protocol), counted in the year they departed, by the channel of their episode; the levels add up to the total.",
    },
    Metric {
        metric: "trafficked_per_year",
        by: D::RecruiterKind,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Persons trafficked (Palermo Protocol), counted in the year they departed, by the kind of recruiter that recruited them or sold the onward journey they were on; the levels add up to the total.",
    },
    Metric {
        metric: "debt_bondage_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Persons entering debt bondage, counted in the month it begins whenever they departed; an episode counts once however long the bondage lasts (the count beside debt_bondage_share).",
    },
    Metric {
        metric: "forced_labour_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Persons entering forced labour, counted in the month it begins whenever they departed; an episode counts once however long the forced labour lasts (the count beside forced_labour_share).",
    },
    Metric {
        metric: "held_for_ransom_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "People taken captive for ransom on the way; a second capture counts again, being sold on to other captors does not.",
    },
    Metric {
        metric: "ransom_paid_usd_per_year",
        by: D::Total,
        unit: U::UsdPerYear,
        denominator: "",
        definition: "Ransoms families paid to captors.",
    },
    Metric {
        metric: "deaths_in_captivity_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Deaths while held for ransom (counted as deaths_estimator says: by default expected).",
    },
    Metric {
        metric: "deaths_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Deaths during an episode, from any cause: the journey, the sea, captivity, immigration detention; by default the deaths expected from the hazards faced (deaths_estimator = expected), else the persons the draws took (drawn).",
    },
    Metric {
        metric: "onward_departures_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Onward irregular departures from a hub or a destination: stranded people drawn on, and workers leaving their jobs to go further.",
    },
    Metric {
        metric: "onward_departures_per_year",
        by: D::Location,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Onward irregular departures by the place they left from (every hub or destination where an onward route starts); the levels add up to the total.",
    },
    Metric {
        metric: "stranded_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Times people were left abroad without work or a way on (a person stranded twice counts twice): sent back at a border abroad, no job on arrival or behind a visit visa, job lost, escaped.",
    },
    Metric {
        metric: "stranded_per_year",
        by: D::Location,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Strandings by the place where they happened (hubs and destinations); the levels add up to the total.",
    },
    Metric {
        metric: "returns_per_year",
        by: D::Destination,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Returns home from the destination, forced or not; returns from hubs and transit places are in the total only.",
    },
    Metric {
        metric: "sexual_violence_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Cases of sexual violence against women crossing a leg of their journey (a hazard per leg, e.g. the Balkan borders); a woman attacked on two legs counts twice.",
    },
    Metric {
        metric: "identified_per_year",
        by: D::State,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Victims identified by where they were: at work, held captive for ransom, in immigration detention, or stranded; the levels add up to the total.",
    },
    Metric {
        metric: "trafficked_per_year",
        by: D::Base,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Persons trafficked (Palermo Protocol), counted in the year they departed, by the base of the recruiter that recruited them or sold the onward journey they were on (the capital for recruiters based in Bangladesh); trafficked persons without a recruiter are in the total only.",
    },
    Metric {
        metric: "deceptive_recruitment_share",
        by: D::RecruiterKind,
        unit: U::Share,
        denominator: "departures recruited by that kind of recruiter",
        definition: "Recruited by a deceptive offer (a promise the job does not keep, a fake contract or visa).",
    },
    Metric {
        metric: "operating_recruiters",
        by: D::Total,
        unit: U::Recruiters,
        denominator: "months of the period",
        definition: "Recruiters operating at the end of a month (not convicted, not out of licence, not driven out), averaged over the months.",
    },
    Metric {
        metric: "operating_recruiters",
        by: D::RecruiterKindLocation,
        unit: U::Recruiters,
        denominator: "months of the period",
        definition: "Operating recruiters of a kind by the base they operate from, averaged over the months; given for every base a kind has.",
    },
    Metric {
        metric: "reintegration_supported_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Returnees given reintegration support (identified victims, and the targeted returnees the programme and its budget reach).",
    },
    Metric {
        metric: "campaign_reached_per_year",
        by: D::Total,
        unit: U::PersonsPerYear,
        denominator: "",
        definition: "Times the awareness campaign reached a person at home, in village sessions or online.",
    },
    Metric {
        metric: "programme_cost_usd_per_year",
        by: D::Total,
        unit: U::UsdPerYear,
        denominator: "",
        definition: "What the scenario's policies cost: the sum over the levers (the status quo's own programmes included).",
    },
    Metric {
        metric: "programme_cost_usd_per_year",
        by: D::Lever,
        unit: U::UsdPerYear,
        denominator: "",
        definition: "Programme cost by lever: recruitment (agency inspections, registered brokers), cooperation (partner countries), reintegration (services and grants per person supported), awareness (per person reached, by channel), enforcement (per investigation and prosecution).",
    },
    Metric {
        metric: "reintegration_cost_per_person_usd",
        by: D::Total,
        unit: U::Usd,
        denominator: "returnees supported",
        definition: "Reintegration programme cost per person supported.",
    },
];

/// The headline outcomes, also given by sex (`women`, `men`) and by skill (`skilled`,
/// `unskilled`): the same definitions over the group's own counts and denominators. Their rows
/// by sex and skill are not written in [`DICTIONARY`] but derived from their total's row
/// ([`rows`]).
pub const BY_GROUP: [&str; 28] = [
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
    "debt_bondage_per_year",
    "forced_labour_per_year",
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

/// Metrics by destination also given for women and for men (`by = sex+destination`).
pub const BY_SEX_DESTINATION: [&str; 2] = ["departure_share", "registered_departures_per_year"];

/// Rows of comparison.csv (and comparison_by_year.csv) that are not metrics of outcomes.csv: a
/// ratio of two paired differences between a scenario and the baseline, which no single run
/// has. They are described here like the dictionary's rows but kept out of it, so that
/// `crossroads metrics` (docs/metrics.csv) stays the dictionary of outcomes.csv and `[observed]`
/// data cannot name them; docs/OUTPUTS.md documents them with comparison.csv.
pub const COMPARISON_ONLY: &[Metric] = &[
    Metric {
        metric: "cost_per_trafficked_averted_usd",
        by: D::Total,
        unit: U::Usd,
        denominator: "persons trafficked averted a year (baseline minus scenario of trafficked_per_year)",
        definition: "Extra programme cost a year of the scenario over the baseline (programme_cost_usd_per_year) per person a year not trafficked, over the years its policy is in force; empty unless the persons averted have a 95% interval above zero.",
    },
    Metric {
        metric: "cost_per_bondage_averted_usd",
        by: D::Total,
        unit: U::Usd,
        denominator: "persons entering debt bondage averted a year (baseline minus scenario of debt_bondage_per_year)",
        definition: "Extra programme cost a year of the scenario over the baseline (programme_cost_usd_per_year) per person a year kept out of debt bondage, over the years its policy is in force; empty unless the persons averted have a 95% interval above zero.",
    },
    Metric {
        metric: "cost_per_death_averted_usd",
        by: D::Total,
        unit: U::Usd,
        denominator: "deaths averted a year (baseline minus scenario of deaths_per_year)",
        definition: "Extra programme cost a year of the scenario over the baseline (programme_cost_usd_per_year) per death a year averted, over the years its policy is in force; empty unless the deaths averted have a 95% interval above zero.",
    },
];

/// Every row of the dictionary, in the order outcomes.csv first writes each pair of metric and
/// dimension: [`DICTIONARY`], then the rows for women and men (the [`BY_GROUP`] totals by sex,
/// and the [`BY_SEX_DESTINATION`] metrics by sex and destination, in dictionary order), then the
/// [`BY_GROUP`] totals by skill. A derived row keeps its source row's unit, denominator (taken
/// within the group) and definition.
pub fn rows() -> Vec<Metric> {
    let mut out = DICTIONARY.to_vec();
    for m in DICTIONARY {
        if m.by == D::Total && BY_GROUP.contains(&m.metric) {
            out.push(Metric { by: D::Sex, ..*m });
        } else if m.by == D::Destination && BY_SEX_DESTINATION.contains(&m.metric) {
            out.push(Metric {
                by: D::SexDestination,
                ..*m
            });
        }
    }
    for m in DICTIONARY {
        if m.by == D::Total && BY_GROUP.contains(&m.metric) {
            out.push(Metric { by: D::Skill, ..*m });
        }
    }
    out
}

/// Metrics given for the whole pool, in the order of outcomes.csv: the rows of [`DICTIONARY`]
/// with [`Dimension::Total`].
pub const TOTALS: [&str; count_by(D::Total)] = metrics_by(D::Total);

/// Metrics also given by destination (`by = destination`, `level` = the destination's id), in
/// the order of outcomes.csv: the rows of [`DICTIONARY`] with [`Dimension::Destination`].
pub const PER_DESTINATION: [&str; count_by(D::Destination)] = metrics_by(D::Destination);

/// The dimensions `trafficked_per_year` is also given by in [`DICTIONARY`] (levels: the
/// channel, the recruiter kind's id); by sex and skill it is one of [`BY_GROUP`].
pub const TRAFFICKED_BY: [&str; count_breakdowns("trafficked_per_year")] =
    breakdowns("trafficked_per_year");

/// The share of arrivals at a destination whose route passed through a transit location, given
/// `by = destination+location` with `level = <destination>+<location>`.
pub const VIA_SHARE: &str = "via_share";

/// The dictionary row of `metric` given by `by`, if outcomes.csv has one.
pub fn lookup(metric: &str, by: Dimension) -> Option<Metric> {
    rows()
        .into_iter()
        .find(|m| m.metric == metric && m.by == by)
}

/// The distinct metric names, in the order of their first row.
pub fn metric_names() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in DICTIONARY {
        if !out.contains(&m.metric) {
            out.push(m.metric);
        }
    }
    out
}

// What derives the lists above from the dictionary when the program is compiled (a `const fn`
// cannot call `==` on strings or enums, hence the byte loop and the casts).

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn count_by(by: Dimension) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < DICTIONARY.len() {
        if DICTIONARY[i].by as u8 == by as u8 {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn metrics_by<const N: usize>(by: Dimension) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut n) = (0, 0);
    while i < DICTIONARY.len() {
        if DICTIONARY[i].by as u8 == by as u8 {
            out[n] = DICTIONARY[i].metric;
            n += 1;
        }
        i += 1;
    }
    out
}

const fn count_breakdowns(metric: &str) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < DICTIONARY.len() {
        if same(DICTIONARY[i].metric, metric) && !matches!(DICTIONARY[i].by, D::Total) {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn breakdowns<const N: usize>(metric: &str) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut n) = (0, 0);
    while i < DICTIONARY.len() {
        if same(DICTIONARY[i].metric, metric) && !matches!(DICTIONARY[i].by, D::Total) {
            out[n] = DICTIONARY[i].by.name();
            n += 1;
        }
        i += 1;
    }
    out
}

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
    use std::collections::HashSet;

    #[test]
    fn names_are_plain_and_rows_unique() {
        let mut seen = HashSet::new();
        // A comparison-only row may not share a name with a metric of outcomes.csv.
        for m in DICTIONARY.iter().chain(COMPARISON_ONLY) {
            let name = m.metric;
            assert!(
                name.starts_with(|c: char| c.is_ascii_lowercase())
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                    && !name.ends_with('_')
                    && !name.contains("__"),
                "{name:?}: a metric name is lower-case words joined by single underscores"
            );
            assert!(
                seen.insert((name, m.by)),
                "{name} by {:?} has two rows",
                m.by.name()
            );
        }
        for m in COMPARISON_ONLY {
            assert!(
                !metric_names().contains(&m.metric),
                "{} is a metric of outcomes.csv",
                m.metric
            );
        }
    }

    #[test]
    fn rows_are_complete_and_units_match_names() {
        for m in DICTIONARY.iter().chain(COMPARISON_ONLY) {
            let name = m.metric;
            let text = [m.denominator, m.definition];
            assert!(
                text.iter().all(|t| t.trim() == *t && !t.contains('\n')),
                "{name}: one line, no surrounding spaces"
            );
            assert!(
                m.definition.len() > 10 && m.definition.ends_with('.'),
                "{name}: the definition is a sentence"
            );
            // Counts a year have no denominator; shares, rates and means always have one.
            let count = matches!(m.unit, U::PersonsPerYear | U::PerYear | U::UsdPerYear);
            assert_eq!(
                m.denominator.is_empty(),
                count,
                "{name}: denominator {:?} with unit {}",
                m.denominator,
                m.unit.name()
            );
            // The name says the unit.
            if name.ends_with("_per_year") {
                assert!(count, "{name} is a count a year");
            }
            assert_eq!(
                name.contains("_usd"),
                matches!(m.unit, U::Usd | U::UsdPerYear),
                "{name}: dollars are named _usd"
            );
            assert_eq!(
                name.contains("share"),
                m.unit == U::Share,
                "{name}: shares are named share"
            );
            assert_eq!(
                name.contains("per_1000"),
                m.unit == U::Per1000,
                "{name}: rates per 1,000 are named per_1000"
            );
        }
    }

    #[test]
    fn the_lists_are_views_of_the_dictionary() {
        let by = |d: Dimension| -> Vec<&str> {
            DICTIONARY
                .iter()
                .filter(|m| m.by == d)
                .map(|m| m.metric)
                .collect()
        };
        assert_eq!(TOTALS.to_vec(), by(D::Total));
        assert_eq!(PER_DESTINATION.to_vec(), by(D::Destination));
        assert_eq!(by(D::DestinationLocation), [VIA_SHARE]);
        assert_eq!(TRAFFICKED_BY, [BY_CHANNEL, BY_RECRUITER_KIND, BY_BASE]);
        // By sex and skill: derived rows of the headline metrics, after the dictionary's own.
        assert!(lookup("trafficked_per_year", D::Sex).is_some());
        assert!(lookup("trafficked_per_year", D::Skill).is_some());
        assert!(lookup("departure_share", D::SexDestination).is_some());
        assert!(lookup("women_share", D::Sex).is_none());
        let all = rows();
        assert_eq!(
            all.len(),
            DICTIONARY.len() + 2 * BY_GROUP.len() + BY_SEX_DESTINATION.len()
        );
        for m in BY_GROUP {
            assert!(lookup(m, D::Total).is_some(), "{m} has no total row");
        }
        assert!(lookup("departure_share", D::Total).is_none());
        let names = metric_names();
        assert_eq!(names.first(), Some(&"departures_per_year"));
        assert_eq!(names.len(), names.iter().collect::<HashSet<_>>().len());
        for d in Dimension::ALL {
            assert_eq!(Dimension::from_name(d.name()), Some(d));
        }
        assert_eq!(Dimension::from_name("colour"), None);
    }

    #[test]
    fn keys_read_as_messages_name_them() {
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
