//! The compile step between the scenario format and the engine: a loaded, validated scenario
//! becomes [`engine::Params`], the engine's only view of the world. Ids become indices, money
//! `f32`, yearly rates monthly, "0 means no cap" an `Option`. Anything the engine cannot
//! represent (more entities than its index type holds, a timer longer than its byte) is an error
//! here, before any output folder exists, so the engine never fails on a scenario that compiled.

use crate::engine::Epoch;
use crate::engine::params::{
    self as ep, Aspiration, Awareness, Captivity, Choice, Cooperation, DestP, DistrictP,
    Enforcement, Exit, Exploitation, Finance, Invalid, Ix, KindP, LegP, LenderP, LocationP,
    MAX_ENTITIES, MAX_LEGS_PER_ROUTE, MAX_LOCATIONS, MAX_TIMER_MONTHS, Market, Offers, Params,
    Policy, Population, Recruitment, Reintegration, RouteP, SafeLoan, Work, coercion, involuntary,
    monthly_rate, target,
};
use crate::scenario::{self as sc, Scenario, ScenarioError};
use std::collections::HashMap;

/// Compile every epoch of a loaded scenario that starts before `horizon` (simulated months).
/// All epochs must have the same entities (events change values, never the lists).
pub fn epochs(loaded: &sc::Loaded, horizon: u32) -> Result<Vec<Epoch>, ScenarioError> {
    let mut out: Vec<Epoch> = Vec::with_capacity(loaded.epochs.len());
    for e in loaded.epochs.iter().filter(|e| e.month < horizon) {
        let params = params(&e.scenario)?;
        if let Some(first) = out.first() {
            let p0 = &first.params;
            if (
                p0.dests.len(),
                p0.routes.len(),
                p0.kinds.len(),
                p0.districts.len(),
                &p0.pop.strata,
            ) != (
                params.dests.len(),
                params.routes.len(),
                params.kinds.len(),
                params.districts.len(),
                &params.pop.strata,
            ) {
                return Err(ScenarioError::new(
                    "",
                    format!(
                        "the event of simulated month {} changes the scenario's entities or its \
                         sampling strata; events may change values only",
                        e.month
                    ),
                ));
            }
        }
        let mut params = params;
        // Deterrence is measured against the expected penalties of the first epoch.
        let reference = match out.first() {
            Some(first) => first.params.expected_penalty(),
            None => params.expected_penalty(),
        };
        params.set_deterrence_reference(reference);
        out.push(Epoch {
            from: e.month,
            params,
        });
    }
    Ok(out)
}

/// The sampling strata, checked: at most `MAX_STRATA`, whole oversampling factors from 1 to 64
/// whose least common multiple is at most 64 (so counts in units of weight stay well inside
/// 32 bits), known districts, unique ids.
fn strata(
    s: &Scenario,
    district_ix: &HashMap<String, Ix>,
) -> Result<Vec<ep::Stratum>, ScenarioError> {
    let fail = |m: String| ScenarioError::new("", m);
    if s.strata.len() > ep::MAX_STRATA {
        return Err(fail(format!(
            "[[stratum]]: {} entries; at most {} are supported",
            s.strata.len(),
            ep::MAX_STRATA
        )));
    }
    let mut out: Vec<ep::Stratum> = Vec::with_capacity(s.strata.len());
    for st in &s.strata {
        let key = |k: &str| format!("stratum.{}.{k}", st.id);
        if out.iter().any(|o| o.id == st.id) {
            return Err(fail(format!("[[stratum]] id {:?} is used twice", st.id)));
        }
        if !(1..=64).contains(&st.oversample) {
            return Err(fail(format!(
                "{} = {}: must be a whole number from 1 to 64",
                key("oversample"),
                st.oversample
            )));
        }
        let districts = st
            .districts
            .iter()
            .map(|d| {
                district_ix.get(d).copied().ok_or_else(|| {
                    fail(format!(
                        "{}: district {d:?} does not exist",
                        key("districts")
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (mut mask, mut value) = (0u16, 0u16);
        for (bit, want) in [
            (crate::engine::agent::tr::WOMAN, st.women),
            (crate::engine::agent::tr::SKILLED, st.skilled),
            (crate::engine::agent::tr::LAND, st.land),
            (crate::engine::agent::tr::TIES, st.ties),
            (crate::engine::agent::tr::ONLINE, st.online),
            (crate::engine::agent::tr::URBAN, st.urban),
        ] {
            if let Some(w) = want {
                mask |= bit;
                if w {
                    value |= bit;
                }
            }
        }
        out.push(ep::Stratum {
            id: st.id.clone(),
            districts,
            traits_mask: mask,
            traits_value: value,
            oversample: st.oversample,
        });
    }
    let l = ep::units(&out).last().copied().unwrap_or(1);
    if l > 64 {
        return Err(fail(format!(
            "[[stratum]]: the oversample factors {:?} have a least common multiple of {l}; at most 64 is supported (choose factors such as 2, 4, 8 or 2, 3, 6)",
            ep::oversample(&out)
        )));
    }
    Ok(out)
}

/// Compile one scenario (one epoch of a timeline).
pub fn params(s: &Scenario) -> Result<Params, ScenarioError> {
    let fail = |m: String| ScenarioError::new("", m);
    for (key, n, most) in [
        ("district", s.districts.len(), MAX_ENTITIES),
        ("location", s.locations.len(), MAX_LOCATIONS),
        ("leg", s.legs.len(), MAX_ENTITIES),
        ("route", s.routes.len(), MAX_ENTITIES),
        ("destination", s.destinations.len(), MAX_ENTITIES),
        ("recruiter", s.recruiters.len(), MAX_ENTITIES),
        ("lender", s.lenders.len(), MAX_ENTITIES),
    ] {
        if n > most {
            return Err(fail(format!(
                "[[{key}]]: {n} entries; at most {most} are supported"
            )));
        }
    }
    let index = |ids: Vec<&str>| -> HashMap<String, Ix> {
        ids.into_iter()
            .enumerate()
            .map(|(i, id)| (id.to_string(), i as Ix))
            .collect()
    };
    let loc_ix = index(s.locations.iter().map(|l| l.id.as_str()).collect());
    let dest_ix = index(s.destinations.iter().map(|d| d.id.as_str()).collect());
    let leg_ix = index(s.legs.iter().map(|l| l.id.as_str()).collect());
    let route_ix = index(s.routes.iter().map(|r| r.id.as_str()).collect());
    let district_ix = index(s.districts.iter().map(|d| d.id.as_str()).collect());
    let find = |map: &HashMap<String, Ix>, id: &str, what: &str, key: String| {
        map.get(id)
            .copied()
            .ok_or_else(|| fail(format!("{key}: {what} {id:?} does not exist")))
    };
    let timer = |key: String, months: u32| -> Result<u8, ScenarioError> {
        if months > MAX_TIMER_MONTHS {
            return Err(fail(format!(
                "{key} = {months} must be at most {MAX_TIMER_MONTHS}"
            )));
        }
        Ok(months as u8)
    };

    let locations_listed = |ids: &[String], key: &str| -> Result<Vec<bool>, ScenarioError> {
        let mut v = vec![false; s.locations.len()];
        for id in ids {
            v[find(&loc_ix, id, "location", key.to_string())? as usize] = true;
        }
        Ok(v)
    };
    let aw = &s.policy.awareness;
    let campaign_all = aw.districts.is_empty();
    let districts = s
        .districts
        .iter()
        .map(|d| DistrictP {
            id: d.id.clone(),
            pool_share: d.pool_share as f32,
            border: d.border,
            urban_share: d.urban_share as f32,
            income_factor: d.income_factor as f32,
            ties_share: d.ties_share as f32,
            p_broker_offer: d.p_broker_offer as f32,
            cross_border_factor: d.cross_border_factor as f32,
            campaign: campaign_all || aw.districts.iter().any(|x| x == &d.id),
        })
        .collect();

    let locations = s
        .locations
        .iter()
        .map(|l| LocationP {
            id: l.id.clone(),
            kind: match l.kind {
                sc::LocationKind::Capital => ep::LocationKind::Capital,
                sc::LocationKind::Border => ep::LocationKind::Border,
                sc::LocationKind::Hub => ep::LocationKind::Hub,
                sc::LocationKind::Destination => ep::LocationKind::Destination,
            },
            p_onward: l.p_onward as f32,
            p_return_stranded: l.p_return_stranded as f32,
            p_detention_stranded: l.p_detention_stranded as f32,
            p_death_detained: l.p_death_detained as f32,
            dest: dest_ix.get(&l.id).copied(),
            onward_routes: Vec::new(),
            onward_weights: Vec::new(),
        })
        .collect();

    let mut legs = Vec::with_capacity(s.legs.len());
    for l in &s.legs {
        legs.push(LegP {
            from: find(&loc_ix, &l.from, "location", format!("leg.{}.from", l.id))?,
            to: find(&loc_ix, &l.to, "location", format!("leg.{}.to", l.id))?,
            sea: l.mode == sc::Mode::Sea,
            cost: l.cost_usd as f32,
            months: timer(format!("leg.{}.months", l.id), l.months)?,
            p_death: l.p_death as f32,
            p_detention: l.p_detention as f32,
            detention_months: timer(format!("leg.{}.detention_months", l.id), l.detention_months)?,
            ransom: l.ransom_usd as f32,
            p_interception: l.p_interception as f32,
            p_entry_denied: l.p_entry_denied as f32,
            p_stranded: l.p_stranded as f32,
            p_sexual_violence: l.p_sexual_violence as f32,
        });
    }

    let mut routes = Vec::with_capacity(s.routes.len());
    for r in &s.routes {
        if r.legs.is_empty() || r.legs.len() > MAX_LEGS_PER_ROUTE {
            return Err(fail(format!(
                "route.{}.legs: {} legs; between 1 and {MAX_LEGS_PER_ROUTE} are supported",
                r.id,
                r.legs.len()
            )));
        }
        let legs_r = r
            .legs
            .iter()
            .map(|l| find(&leg_ix, l, "leg", format!("route.{}.legs", r.id)))
            .collect::<Result<Vec<_>, _>>()?;
        routes.push(RouteP {
            id: r.id.clone(),
            channel: channel(r.channel),
            dest: find(
                &dest_ix,
                &r.destination,
                "destination",
                format!("route.{}.destination", r.id),
            )?,
            legs: legs_r,
            fee: r.fee_usd as f32,
            fee_sd_log: r.fee_sd_log as f32,
            agency_cost: r.agency_cost_usd as f32,
            weight: r.weight as f32,
            p_visa_refused: r.p_visa_refused as f32,
            p_offloaded: r.p_offloaded as f32,
            sex: match r.sex {
                sc::ForSex::Anyone => ep::ForSex::Anyone,
                sc::ForSex::Women => ep::ForSex::Women,
                sc::ForSex::Men => ep::ForSex::Men,
            },
            jobs_per_month: r.jobs_per_month.map(|x| x as f32),
            wage_factor: r.wage_factor as f32,
            p_sexual_exploitation: r.p_sexual_exploitation as f32,
            job_on_arrival: r.job_on_arrival,
            pool: 0,
            travel_cost: 0.0,
            via: Vec::new(),
            onward: false,
            risk_usd: 0.0,
            captivity_usd: 0.0,
            p_death: 0.0,
            seller: None,
        });
    }

    let mut dests = Vec::with_capacity(s.destinations.len());
    for d in &s.destinations {
        dests.push(DestP {
            id: d.id.clone(),
            europe: d.europe,
            wage: d.wage_usd as f32,
            wage_sd_log: d.wage_sd_log as f32,
            living: d.living_cost_usd as f32,
            jobs_per_month: d.jobs_per_month as f32,
            ramp_months: d.ramp_months,
            contract_months: timer(
                format!("destination.{}.contract_months", d.id),
                d.contract_months.max(1),
            )?,
            p_renew: d.p_renew as f32,
            p_wage_theft: d.p_wage_theft as f32,
            p_passport: d.p_passport_confiscation as f32,
            p_job_loss: d.p_job_loss as f32,
            p_deportation: d.p_deportation as f32,
            p_regularise: d.p_regularise as f32,
            p_irregular_job: d.p_irregular_job as f32,
            irregular_wage_factor: d.irregular_wage_factor as f32,
            visa_fraud_legal: d.visa_fraud_legal,
            p_sexual_exploitation: d.p_sexual_exploitation as f32,
            p_move_on: d.p_move_on as f32,
            location: find(
                &loc_ix,
                &d.id,
                "location",
                format!("destination.{}: the destination's location", d.id),
            )?,
        });
    }

    // Recruiters without bases abroad work from the capital (as `Params::capital`).
    let capital = s
        .locations
        .iter()
        .position(|l| l.kind == sc::LocationKind::Capital)
        .unwrap_or(0) as Ix;
    let mut kinds = Vec::with_capacity(s.recruiters.len());
    for k in &s.recruiters {
        let districts = k
            .districts
            .iter()
            .map(|d| {
                find(
                    &district_ix,
                    d,
                    "district",
                    format!("recruiter.{}.districts", k.id),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let routes_k = k
            .routes
            .iter()
            .map(|r| {
                let ix = find(&route_ix, r, "route", format!("recruiter.{}.routes", k.id))?;
                Ok((ix, s.routes[ix as usize].weight as f32))
            })
            .collect::<Result<Vec<_>, ScenarioError>>()?;
        let bases = if k.bases.is_empty() {
            vec![(capital, 1.0)]
        } else {
            let total: f64 = k.bases.values().sum();
            if total <= 0.0 {
                return Err(fail(format!(
                    "recruiter.{}.bases: the shares add up to {total}; they must add up to more than 0",
                    k.id
                )));
            }
            k.bases
                .iter()
                .map(|(l, &share)| {
                    let ix = find(&loc_ix, l, "location", format!("recruiter.{}.bases", k.id))?;
                    Ok((ix, (share / total) as f32))
                })
                .collect::<Result<Vec<_>, ScenarioError>>()?
        };
        kinds.push(KindP {
            id: k.id.clone(),
            kind: match k.kind {
                sc::RecruiterType::LicensedAgency => ep::RecruiterType::LicensedAgency,
                sc::RecruiterType::InformalBroker => ep::RecruiterType::InformalBroker,
                sc::RecruiterType::FraudulentAgency => ep::RecruiterType::FraudulentAgency,
                sc::RecruiterType::TraffickingNetwork => ep::RecruiterType::TraffickingNetwork,
                sc::RecruiterType::Smuggler => ep::RecruiterType::Smuggler,
            },
            count: k.count,
            capacity: k.capacity_per_month as f32,
            districts,
            routes: routes_k,
            p_direct_offer: k.p_direct_offer as f32,
            broker_weight: k.broker_weight as f32,
            fee_factor: k.fee_factor as f32,
            markup: k.markup_usd as f32,
            p_deception: k.p_deception as f32,
            promise_factor: k.promise_factor as f32,
            deception_wage_factor: k.deception_wage_factor as f32,
            p_coercion: k.p_coercion as f32,
            advance_share: k.advance_share as f32,
            p_abscond: k.p_abscond as f32,
            reputation: k.reputation_share as f32,
            transnational: k.transnational,
            deception_spread: k.deception_spread as f32,
            coercion_spread: k.coercion_spread as f32,
            price_spread: k.price_spread as f32,
            capacity_spread: k.capacity_spread as f32,
            bases,
            persons: k.persons as f32,
            base_weights: Vec::new(),
            route_bases: Vec::new(),
            offer_weights: Default::default(),
        });
    }

    let lenders = s
        .lenders
        .iter()
        .map(|l| LenderP {
            kind: match l.kind {
                sc::LenderType::Family => ep::LenderType::Family,
                sc::LenderType::Microfinance => ep::LenderType::Microfinance,
                sc::LenderType::MoneyLender => ep::LenderType::MoneyLender,
                sc::LenderType::RecruiterAdvance => ep::LenderType::RecruiterAdvance,
            },
            rate: monthly_rate(l.rate_year),
            cap: l.cap_usd as f32,
            access_share: l.access_share as f32,
            collateral: l.collateral,
        })
        .collect();

    let pop = &s.population;
    let asp = &s.aspiration;
    let o = &s.offers;
    let c = &s.choice;
    let pol = &s.policy;
    let mut p = Params {
        districts,
        locations,
        legs,
        routes,
        dests,
        kinds,
        lenders,
        pop: Population {
            persons: pop.persons,
            entries_per_year: pop.entries_per_year,
            age_min: pop.age_min,
            age_max: pop.age_max,
            women_share: pop.women_share as f32,
            skilled_share: pop.skilled_share as f32,
            land_share: pop.land_share as f32,
            land_value: pop.land_value_usd as f32,
            online_share: pop.online_share,
            home_income: pop.home_income_usd as f32,
            home_income_sd_log: pop.home_income_sd_log as f32,
            skilled_income_factor: pop.skilled_income_factor as f32,
            subsistence: pop.subsistence_usd as f32,
            savings_months: pop.savings_months as f32,
            awareness_mean: pop.awareness_mean,
            awareness_concentration: pop.awareness_concentration,
            initial_abroad_share: pop.initial_abroad_share as f32,
            initial_indebted_share: pop.initial_indebted_share as f32,
            initial_debt: pop.initial_debt_usd,
            settle_months: s.settle_months,
            settle_persons_per_agent: s.settle_persons_per_agent,
            strata: strata(s, &district_ix)?,
            deaths_estimator: match s.deaths_estimator {
                sc::DeathsEstimator::Expected => ep::DeathsEstimator::Expected,
                sc::DeathsEstimator::Drawn => ep::DeathsEstimator::Drawn,
            },
        },
        asp: Aspiration {
            p_base: asp.p_base as f32,
            poverty_slope: asp.poverty_slope as f32,
            ties_factor: asp.ties_factor as f32,
            prime_age_min: asp.prime_age_min,
            prime_age_max: asp.prime_age_max,
            prime_age_factor: asp.prime_age_factor as f32,
            women_factor: asp.women_factor as f32,
            debt_factor: asp.debt_factor as f32,
            rest_months: asp.rest_months,
            max_seek_months: asp.max_seek_months,
        },
        offers: Offers {
            skilled_factor: o.skilled_factor as f32,
            urban_factor: o.urban_factor as f32,
            awareness_factor: o.awareness_factor as f32,
            awareness_filter_share: o.awareness_filter_share as f32,
            p_see_through: o.p_see_through as f32,
            p_cross_border_young_women: o.p_cross_border_young_women as f32,
            p_cross_border_other: o.p_cross_border_other as f32,
            young_age_max: o.young_age_max,
        },
        choice: Choice {
            scale: c.scale_usd as f32,
            stay_home: c.stay_home_usd as f32,
            horizon_months: c.horizon_months as f32,
            value_of_life: c.value_of_life_usd as f32,
            naive_risk_share: c.naive_risk_share as f32,
            desperation_share: c.desperation_share as f32,
        },
        finance: Finance {
            default_months: s.finance.default_months,
            home_repay_share: s.finance.home_repay_share as f32,
            ransom_borrowed_share: s.finance.ransom_borrowed_share as f32,
            default_write_off_share: s.finance.default_write_off_share as f32,
            home_spending_share: s.finance.home_spending_share as f32,
        },
        work: Work {
            repay_share: s.work.repay_share as f32,
            saved_share: s.work.saved_share as f32,
            wage_theft_share: s.work.wage_theft_share as f32,
            withholding_persistence_share: s.work.withholding_persistence_share as f32,
            coercion_hazard_factor: s.work.coercion_hazard_factor as f32,
            promise_kept_share: s.work.promise_kept_share as f32,
            skilled_wage_factor: s.work.skilled_wage_factor as f32,
        },
        exit: Exit {
            p_escape: s.exit.p_escape as f32,
            p_identify: s.exit.p_identify as f32,
            p_release: s.exit.p_release as f32,
            p_identify_captive: s.exit.p_identify_captive as f32,
            p_identify_detained: s.exit.p_identify_detained as f32,
            p_identify_stranded: s.exit.p_identify_stranded as f32,
            joint_operations_identification: s.exit.joint_operations_identification as f32,
            self_report_factor: s.exit.self_report_factor as f32,
            data_sharing_identification: s.exit.data_sharing_identification as f32,
        },
        exploitation: {
            let x = &s.exploitation;
            Exploitation {
                involuntary: x.involuntary.iter().fold(0, |m, i| {
                    m | match i {
                        sc::Involuntary::Deceived => involuntary::DECEIVED,
                        sc::Involuntary::DebtBondage => involuntary::DEBT_BONDAGE,
                        sc::Involuntary::NotAgreed => involuntary::NOT_AGREED,
                    }
                }),
                coercion: x.coercion.iter().fold(0, |m, c| {
                    m | match c {
                        sc::Coercion::PassportWithheld => coercion::PASSPORT_WITHHELD,
                        sc::Coercion::WagesWithheld => coercion::WAGES_WITHHELD,
                        sc::Coercion::Confinement => coercion::CONFINEMENT,
                        sc::Coercion::DebtBondage => coercion::DEBT_BONDAGE,
                    }
                }),
                reference_months: x.reference_months,
                withheld_wage_months: x.withheld_wage_months,
                young_women_factor: x.young_women_factor as f32,
            }
        },
        captivity: Captivity {
            p_ransom_paid: s.captivity.p_ransom_paid as f32,
            p_sold: s.captivity.p_sold as f32,
            p_forced_work: s.captivity.p_forced_work as f32,
            p_death: s.captivity.p_death as f32,
            p_release_unpaid: s.captivity.p_release_unpaid as f32,
        },
        market: Market {
            p_entry: s.market.p_entry as f32,
            entry_demand_factor: s.market.entry_demand_factor as f32,
            reputation_hit_share: s.market.reputation_hit_share as f32,
            reputation_recovery_share: s.market.reputation_recovery_share as f32,
            p_investigate_per_victim: s.market.p_investigate_per_victim as f32,
            p_compliance_review: s.market.p_compliance_review as f32,
            deterrence_elasticity: s.market.deterrence_elasticity as f32,
            p_chain_trace: s.market.p_chain_trace as f32,
        },
        policy: Policy {
            recruitment: Recruitment {
                fee_cap: (pol.recruitment.fee_cap_usd > 0.0)
                    .then_some(pol.recruitment.fee_cap_usd as f32),
                p_cap_enforcement: pol.recruitment.p_cap_enforcement,
                deterrence_months: pol.recruitment.deterrence_months,
                p_comply: 0.0,
                broker_exit_share: pol.recruitment.broker_exit_share as f32,
                employer_pays_share: pol.recruitment.employer_pays_share as f32,
                broker_registration_share: pol.recruitment.broker_registration_share as f32,
                joint_liability_share: pol.recruitment.joint_liability_share as f32,
                p_licence_enforcement: pol.recruitment.p_licence_enforcement,
                p_comply_licence: 0.0,
                cost_per_inspection: pol.recruitment.cost_usd_per_inspection,
                cost_per_registered_broker_year: pol
                    .recruitment
                    .cost_usd_per_registered_broker_year,
            },
            cooperation: Cooperation {
                data_sharing_share: pol.cooperation.data_sharing_share as f32,
                joint_operations_share: pol.cooperation.joint_operations_share as f32,
                visa_screening_share: pol.cooperation.visa_screening_share as f32,
                data_sharing_exposure: pol.cooperation.data_sharing_exposure as f32,
                partner: locations_listed(
                    &pol.cooperation.partners,
                    "policy.cooperation.partners",
                )?,
                cost_per_partner_year: pol.cooperation.cost_usd_per_partner_year,
            },
            reintegration: Reintegration {
                coverage_share: pol.reintegration.coverage_share as f32,
                psychosocial_share: pol.reintegration.psychosocial_share as f32,
                economic_grant: pol.reintegration.economic_grant_usd as f32,
                income_uplift_share: pol.reintegration.income_uplift_share as f32,
                income_uplift_months: pol.reintegration.income_uplift_months,
                social_share: pol.reintegration.social_share as f32,
                from_airport: pol.reintegration.from_airport,
                late_reach_share: pol.reintegration.late_reach_share as f32,
                target: pol.reintegration.target.iter().fold(0, |m, t| {
                    m | match t {
                        sc::ReintegrationTarget::Deportees => target::DEPORTEES,
                        sc::ReintegrationTarget::Victims => target::VICTIMS,
                        sc::ReintegrationTarget::Indebted => target::INDEBTED,
                    }
                }),
                budget: (pol.reintegration.budget_usd_per_year > 0.0)
                    .then_some(pol.reintegration.budget_usd_per_year),
                cost_per_person: pol.reintegration.cost_usd_per_person,
            },
            awareness: Awareness {
                coverage_share: aw.coverage_share,
                effect_share: aw.effect_share as f32,
                online_share: aw.online_share,
                decay_share_month: (1.0 - (1.0 - aw.decay_share_per_year).powf(1.0 / 12.0)) as f32,
                cost_per_person_village: aw.cost_usd_per_person_village,
                cost_per_person_online: aw.cost_usd_per_person_online,
            },
            enforcement: Enforcement {
                p_investigation: pol.enforcement.p_investigation as f32,
                prosecution_intensity: pol.enforcement.prosecution_intensity as f32,
                prosecution_share: pol.enforcement.prosecution_share as f32,
                months_to_verdict: pol.enforcement.months_to_verdict,
                conviction_share: pol.enforcement.conviction_share as f32,
                transnational_focus: pol.enforcement.transnational_focus as f32,
                focus: locations_listed(
                    &pol.enforcement.focus_locations,
                    "policy.enforcement.focus_locations",
                )?,
                location_focus: pol.enforcement.location_focus as f32,
                focus_kinds: s
                    .recruiters
                    .iter()
                    .map(|k| pol.enforcement.focus_recruiters.contains(&k.id))
                    .collect(),
                recruiter_focus: pol.enforcement.recruiter_focus as f32,
                sentence_years: pol.enforcement.sentence_years as f32,
                cost_per_investigation: pol.enforcement.cost_usd_per_investigation,
                cost_per_prosecution: pol.enforcement.cost_usd_per_prosecution,
            },
            finance: SafeLoan {
                coverage_share: pol.finance.safe_loan_coverage_share as f32,
                rate: monthly_rate(pol.finance.safe_loan_rate_year),
                cap: pol.finance.safe_loan_cap_usd as f32,
            },
        },
        campaign_reach: [0.0; 2],
        broker_kinds: Vec::new(),
        broker_principal_weights: Vec::new(),
        cross_border_weights: Vec::new(),
        pool_jobs: Vec::new(),
        pool_ramp: Vec::new(),
        investigation_rate: Vec::new(),
        deterrence_reference: Vec::new(),
        deterrence: Vec::new(),
    };
    p.check().map_err(|Invalid(m)| fail(m))?;
    p.derive();
    Ok(p)
}

fn channel(c: sc::Channel) -> ep::Channel {
    match c {
        sc::Channel::Regular => ep::Channel::Regular,
        sc::Channel::VisaFraud => ep::Channel::VisaFraud,
        sc::Channel::Irregular => ep::Channel::Irregular,
        sc::Channel::CrossBorder => ep::Channel::CrossBorder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn baseline() -> Scenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        sc::load(&path, &[]).expect("baseline loads").scenario
    }

    /// Deterrence: with its elasticity at zero, tougher enforcement leaves every recruiter's
    /// deception and coercion, and the entry of new ones, as they were; above zero it lowers
    /// them.
    #[test]
    fn deterrence_needs_its_elasticity() {
        use crate::engine::recruiters::Recruiters;
        use crate::engine::rng::RunKey;
        let s = baseline();
        let reference = params(&s).unwrap().expected_penalty();
        for (elasticity, deterred) in [(0.0, false), (0.2, true)] {
            let mut t = s.clone();
            t.policy.enforcement.conviction_share = 0.3;
            t.policy.enforcement.prosecution_intensity = 3.0;
            t.market.deterrence_elasticity = elasticity;
            let mut p = params(&t).unwrap();
            p.set_deterrence_reference(reference.clone());
            // Entry is multiplied by the same factor (enforcement.rs).
            for &d in &p.deterrence {
                assert!(
                    if deterred { d < 1.0 } else { d == 1.0 },
                    "{elasticity}: {d}"
                );
            }
            let rec = Recruiters::new(&p, RunKey::new(1, 0)).unwrap();
            let mut checked = 0;
            for r in (0..rec.len()).filter(|&r| rec.deception[r] > 0.0) {
                let (own, now) = (rec.deception[r].min(1.0), rec.p_deception(&p, r));
                if deterred {
                    assert!(now < own, "recruiter {r}: {now} not below {own}");
                } else {
                    assert_eq!(now, own, "recruiter {r}");
                    assert_eq!(rec.p_coercion(&p, r), rec.coercion[r].min(1.0));
                }
                checked += 1;
            }
            assert!(checked > 1000);
        }
    }

    /// A recruiter based abroad offers only the routes that pass through its base: the smugglers
    /// based in Libya offer the Libyan routes and none of the others; those based in Dubai, every
    /// route (all leave through Dubai).
    #[test]
    fn a_base_abroad_offers_only_the_routes_through_it() {
        let p = params(&baseline()).unwrap();
        let k = p.kinds.iter().position(|k| k.id == "smuggler").unwrap();
        let kind = &p.kinds[k];
        let loc = |id: &str| p.locations.iter().position(|l| l.id == id).unwrap() as Ix;
        let base = |l: Ix| kind.bases.iter().position(|&(x, _)| x == l).unwrap();
        let men = 0; // home routes, for men
        let (libya, dubai) = (base(loc("libya")), base(loc("dubai")));
        let mut through_libya = 0;
        for (j, &(r, _)) in kind.routes.iter().enumerate() {
            let all = kind.offer_weights[men][j];
            let via_libya = p.routes[r as usize].via.contains(&loc("libya"));
            assert_eq!(
                kind.base_weights[libya][men][j] > 0.0,
                all > 0.0 && via_libya,
                "{}",
                p.routes[r as usize].id
            );
            assert_eq!(
                kind.base_weights[dubai][men][j], all,
                "{}",
                p.routes[r as usize].id
            );
            assert_eq!(kind.route_bases[j][libya], via_libya);
            through_libya += (all > 0.0 && via_libya) as usize;
        }
        assert!(through_libya > 0 && through_libya < kind.routes.len());
    }

    /// Recruiters of a kind differ, around the kind's values.
    #[test]
    fn recruiters_of_a_kind_differ_around_its_values() {
        use crate::engine::recruiters::Recruiters;
        use crate::engine::rng::RunKey;
        let p = params(&baseline()).unwrap();
        let rec = Recruiters::new(&p, RunKey::new(1, 0)).unwrap();
        let k = p
            .kinds
            .iter()
            .position(|k| k.id == "licensed_agency")
            .unwrap();
        let ids: Vec<usize> = (0..rec.len())
            .filter(|&r| rec.kind[r] as usize == k)
            .collect();
        let mean = |v: &[f32]| ids.iter().map(|&r| v[r] as f64).sum::<f64>() / ids.len() as f64;
        let distinct = |v: &[f32]| {
            let mut x: Vec<u32> = ids.iter().map(|&r| v[r].to_bits()).collect();
            x.sort();
            x.dedup();
            x.len()
        };
        assert!(distinct(&rec.deception) > ids.len() / 2);
        assert!(distinct(&rec.capacity) > ids.len() / 2);
        // Means within a few standard errors of the kind's values (factors of mean 1).
        let kind = &p.kinds[k];
        assert!((mean(&rec.capacity) / kind.capacity as f64 - 1.0).abs() < 0.1);
        assert!((mean(&rec.deception) / kind.p_deception as f64 - 1.0).abs() < 0.15);
        // Every broker works for a principal that reaches its district.
        let b = p.kinds.iter().position(|k| k.id == "dalal").unwrap();
        for r in (0..rec.len()).filter(|&r| rec.kind[r] as usize == b) {
            let q = rec.principal[r];
            assert_ne!(q, crate::engine::recruiters::NO_PRINCIPAL);
            let home = rec.home[r].unwrap() as usize;
            let list = &rec.reach[rec.kind[q as usize] as usize * rec.districts + home];
            assert!(list.contains(&q));
        }
    }

    #[test]
    fn the_baseline_compiles_and_its_derived_quantities_follow_the_legs() {
        let s = baseline();
        let p = params(&s).expect("compiles");
        assert_eq!(p.routes.len(), s.routes.len());
        for (r, sr) in p.routes.iter().zip(&s.routes) {
            let cost: f64 = sr
                .legs
                .iter()
                .map(|l| s.legs.iter().find(|x| &x.id == l).expect("leg").cost_usd)
                .sum();
            assert!(
                (r.travel_cost as f64 - cost).abs() < 0.01 * cost.max(1.0),
                "{}",
                r.id
            );
            assert!((0.0..1.0).contains(&r.p_death), "{}", r.id);
        }
        // "0 means no cap" becomes an Option.
        let mut no_cap = s.clone();
        no_cap.policy.recruitment.fee_cap_usd = 0.0;
        assert_eq!(
            params(&no_cap)
                .expect("compiles")
                .policy
                .recruitment
                .fee_cap,
            None
        );
        assert!(p.policy.recruitment.fee_cap.is_some());
    }

    #[test]
    fn a_timer_the_agent_cannot_hold_is_refused_not_clamped() {
        let mut s = baseline();
        s.legs[0].months = 300;
        let e = params(&s).expect_err("300 months do not fit");
        assert!(e.message.contains("must be at most 255"), "{e}");
    }

    #[test]
    fn an_over_long_route_is_refused() {
        let mut s = baseline();
        let leg = s.routes[0].legs[0].clone();
        s.routes[0].legs = vec![leg; MAX_LEGS_PER_ROUTE + 1];
        let e = params(&s).expect_err("too many legs");
        assert!(e.message.contains("legs; between 1 and"), "{e}");
    }

    /// An agent keeps its location in a byte: a scenario with more locations than that is
    /// refused, naming the list, not run with locations that wrap around.
    #[test]
    fn more_locations_than_an_agent_can_hold_are_refused() {
        let mut s = baseline();
        let extra = s.locations[0].clone();
        while s.locations.len() <= MAX_LOCATIONS {
            let mut l = extra.clone();
            l.id = format!("extra-{}", s.locations.len());
            s.locations.push(l);
        }
        let e = params(&s).expect_err("256 locations do not fit");
        assert!(
            e.message.contains("[[location]]: 256 entries; at most 255"),
            "{e}"
        );
        s.locations.pop();
        assert!(params(&s).is_ok(), "255 locations fit");
    }

    #[test]
    fn the_engine_runs_what_compiles() {
        let s = baseline();
        let p = params(&s).expect("compiles");
        let spec = crate::engine::RunSpec {
            seed: 3,
            replicate: 0,
            agents: 3_000,
            spin_up: 2,
            months: 3,
            full: false,
        };
        let rep = crate::engine::run_replicate(&[Epoch { from: 0, params: p }], spec, &|| {})
            .expect("memory for a small run");
        assert_eq!(rep.months.len(), 3);
    }
}
