//! The routes and the people beyond the Gulf (docs/MODEL.md §3.3 and §4): Dubai as a
//! hub where visit-visa travellers are stranded and drawn onward, Serbia as a destination with
//! genuine work permits next to fake ones and as a gateway into the EU, returns by where they
//! come from, corridors and hazards by sex, and the outputs by sex and skill. Each test fails if
//! its mechanism is removed.

use crate::support::*;

/// The fixture at the size used by these tests.
fn sim() -> Sim {
    Sim::mechanisms()
}

/// The calibrated baseline at a reduced size: two reported years.
fn baseline_sim() -> Sim {
    Sim::new()
        .scenario(baseline())
        .agents(60_000)
        .replicates(3)
        .seed(5)
        .months(24)
}

// The baseline's routes --------------------------------------------------------------------

#[test]
fn dubai_strands_visit_visa_travellers_and_sends_some_onward() {
    let (base, closed) = pair(baseline_sim(), &[], &[("location.dubai.p_onward", "0")]);
    assert_all_above(&base, &key("stranded_per_year", "location", "dubai"), 0.0);
    assert_all_above(
        &base,
        &key("onward_departures_per_year", "location", "dubai"),
        0.0,
    );
    // Closing the onward path from Dubai removes the onward departures from there, and only
    // those: the other hubs still send people on.
    assert_all_zero(
        &closed,
        &key("onward_departures_per_year", "location", "dubai"),
    );
    assert_all_above(
        &closed,
        &key("onward_departures_per_year", "location", "libya"),
        0.0,
    );
    // Without the jobs that do not exist, nobody is left in Dubai by the visit-visa route.
    let no_stranding = with(&baseline_sim(), &[("leg.dubai-uae.p_stranded", "0")]).run();
    assert_greater(
        &key("stranded_per_year", "location", "dubai"),
        &base,
        &no_stranding,
    );
}

#[test]
fn serbia_has_genuine_permits_next_to_fake_ones_and_is_a_gateway_to_the_eu() {
    let serbia = by_dest("registered_departures_per_year", "serbia");
    // The baseline's few hundred permits a year are too few for this size; more of them (and
    // twice the agents, so that every replicate sees some of the rarer fake visas).
    let (base, closed) = pair(
        baseline_sim().agents(120_000),
        &[("destination.serbia.jobs_per_month", "1000")],
        &[("destination.serbia.jobs_per_month", "0")],
    );
    // Every visa-fraud route of the baseline goes to Serbia: without genuine openings the
    // registered departures to Serbia are the fraudulent ones, exactly.
    let fraud = closed.values("visa_fraud_departures_per_year");
    assert_eq!(closed.values(&serbia), fraud, "{}", closed.command);
    assert_all_above(&closed, "visa_fraud_departures_per_year", 0.0);
    // With them there are more: genuine permits.
    let genuine: Vec<f64> = base
        .values(&serbia)
        .iter()
        .zip(base.values("visa_fraud_departures_per_year"))
        .map(|(r, f)| r - f)
        .collect();
    assert!(
        genuine.iter().all(|g| *g > 0.0),
        "genuine Serbian permits: {genuine:?} ({})",
        base.command
    );
    // Workers and stranded people move on from Serbia into the EU; without the move the
    // onward departures from Serbia vanish.
    assert_all_above(
        &base,
        &key("onward_departures_per_year", "location", "serbia"),
        0.0,
    );
    let stay = with(
        &baseline_sim(),
        &[
            ("destination.serbia.p_move_on", "0"),
            ("location.serbia.p_onward", "0"),
        ],
    )
    .run();
    assert_all_zero(
        &stay,
        &key("onward_departures_per_year", "location", "serbia"),
    );
}

#[test]
fn returns_come_back_from_europe_and_add_up() {
    let out = baseline_sim().run();
    for d in ["italy", "greece", "romania"] {
        assert_all_above(&out, &by_dest("returns_per_year", d), 0.0);
    }
    // Returns from destinations are part of all returns (the rest come back from hubs).
    let all = out.outcomes();
    let total = out.values("returns_per_year");
    for r in 0..total.len() {
        let from_dests: f64 = all
            .iter()
            .filter(|(k, _)| k.starts_with("returns_per_year[destination="))
            .map(|(_, v)| v[r].unwrap_or(0.0))
            .sum();
        assert!(
            from_dests <= total[r] * (1.0 + 1e-9) && from_dests > 0.9 * total[r],
            "replicate {r}: returns from destinations {from_dests}, all returns {}",
            total[r]
        );
    }
}

// People -----------------------------------------------------------------------------------

/// Counts are additive: women and men, and skilled and unskilled, add up to the total.
#[test]
fn outputs_by_sex_and_skill_add_up_to_the_total() {
    let out = baseline_sim().run();
    let all = out.outcomes();
    for metric in [
        "departures_per_year",
        "registered_departures_per_year",
        "irregular_departures_per_year",
        "trafficked_per_year",
        "deaths_per_year",
        "stranded_per_year",
        "returns_per_year",
        "undocumented_returns_per_year",
        "held_for_ransom_per_year",
    ] {
        let total = out.values(metric);
        for (by, a, b) in [("sex", "women", "men"), ("skill", "skilled", "unskilled")] {
            let x = out.values(&key(metric, by, a));
            let y = out.values(&key(metric, by, b));
            for r in 0..total.len() {
                assert!(
                    (x[r] + y[r] - total[r]).abs() <= 1e-6 * total[r].max(1.0),
                    "{metric} by {by}: {} + {} != {} (replicate {r})",
                    x[r],
                    y[r],
                    total[r]
                );
            }
        }
    }
    // A share by sex keeps its own denominator: it is not the total's share split in two.
    assert!(all.contains_key(&key("debt_bondage_share", "sex", "women")));
    assert!(all.contains_key(&key("trafficked_per_1000", "skill", "unskilled")));
}

/// The meeting report: skilled migrants are less vulnerable than the unskilled, who take higher
/// risks and debts. The model reproduces the gradient in debt bondage and trafficking.
#[test]
fn the_skilled_are_less_often_in_debt_bondage_or_trafficked() {
    let out = Sim::new()
        .scenario(baseline())
        .agents(150_000)
        .replicates(3)
        .seed(3)
        .months(36)
        .run();
    for metric in ["debt_bondage_share", "trafficked_per_1000"] {
        let s = out.values(&key(metric, "skill", "skilled"));
        let u = out.values(&key(metric, "skill", "unskilled"));
        let (ms, _) = mean_se(&s);
        let (mu, _) = mean_se(&u);
        assert!(
            ms < mu,
            "{metric}: skilled {s:?} should be below unskilled {u:?} ({})",
            out.command
        );
    }
}

#[test]
fn a_corridor_for_women_takes_no_men() {
    let men = key("registered_departures_per_year", "sex", "men");
    let women = key("registered_departures_per_year", "sex", "women");
    let out = with(
        &sim(),
        &[
            ("route.saudi.sex", "\"women\""),
            ("route.saudi-fake.sex", "\"women\""),
        ],
    )
    .run();
    assert_all_zero(&out, &men);
    assert_all_above(&out, &women, 0.0);
}

#[test]
fn a_route_with_openings_of_its_own_is_closed_by_them() {
    // The fixture's only regular route gets openings of its own (a sector), in the file: a key
    // the route does not have cannot be `--set`.
    let dir = tempfile::TempDir::new().expect("temp dir");
    let text = fixture_text();
    let route = "id = \"saudi\"\nchannel = \"regular\"\n";
    let path = write(
        dir.path(),
        "sector.toml",
        &edit(&text, route, &format!("{route}jobs_per_month = 0\n")),
    );
    let (closed, open) = pair(
        sim().scenario(&path),
        &[],
        &[("route.saudi.jobs_per_month", "100000")],
    );
    assert_all_zero(&closed, "regular_departures_per_year");
    assert_all_above(&open, "regular_departures_per_year", 0.0);
    // The destination's own openings are not the route's: plenty of them change nothing.
    let still_closed = with(
        &sim().scenario(&path),
        &[("destination.saudi_arabia.jobs_per_month", "1000000")],
    )
    .run();
    assert_all_zero(&still_closed, "regular_departures_per_year");
}

#[test]
fn women_suffer_sexual_violence_on_violent_legs() {
    let (none, some) = pair(
        sim(),
        &[("leg.dhaka-libya.p_sexual_violence", "0")],
        &[("leg.dhaka-libya.p_sexual_violence", "1")],
    );
    assert_all_zero(&none, "sexual_violence_per_year");
    assert_all_above(&some, "sexual_violence_per_year", 0.0);
    // Only women: the men's count stays zero even on a leg where every woman is attacked.
    let v = some.values("sexual_violence_per_year");
    let w = some.values(&key("irregular_departures_per_year", "sex", "women"));
    assert!(
        v.iter().zip(&w).all(|(x, y)| *x <= *y * 1.5 + 1.0),
        "sexual violence {v:?} against women's irregular departures {w:?}"
    );
}

#[test]
fn girls_are_more_exposed_to_sexual_exploitation() {
    // Honest recruitment without coercion: the young women are trafficked only through sexual
    // exploitation (or as children), which the factor makes more likely for them.
    let base = sim()
        .set("offers.p_cross_border_young_women", 0.1)
        .set("offers.p_cross_border_other", 0)
        .set("recruiter.network.p_coercion", 0)
        .set("destination.india.p_sexual_exploitation", 0.02);
    let (flat, young) = pair(
        base,
        &[("exploitation.young_women_factor", "1")],
        &[("exploitation.young_women_factor", "8")],
    );
    assert_greater(&key("trafficked_per_1000", "sex", "women"), &young, &flat);
}

#[test]
fn border_districts_differ_in_how_much_cross_border_recruitment_they_see() {
    let (none, more) = pair(
        sim(),
        &[("district.border.cross_border_factor", "0")],
        &[("district.border.cross_border_factor", "2")],
    );
    assert_all_zero(&none, "cross_border_departures_per_year");
    assert_all_above(&more, "cross_border_departures_per_year", 0.0);
}

#[test]
fn skilled_wages_abroad_shorten_the_months_a_migration_costs() {
    let (flat, higher) = pair(
        sim(),
        &[("work.skilled_wage_factor", "1")],
        &[("work.skilled_wage_factor", "2")],
    );
    assert_greater("cost_months_of_earnings", &flat, &higher);
}
