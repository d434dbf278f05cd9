//! Phase 11, enforcement and market. Each recruiter may be investigated with a probability that
//! rises with the victims traced to it, with prosecution intensity and, for transnational
//! recruiters, with joint operations and the transnational focus; data sharing exposes
//! fraudulent agencies and networks sooner. A share of investigations become prosecutions and a
//! share of those end in conviction after a delay: the recruiter leaves. Fee caps are enforced on
//! licensed agencies: one caught over the cap loses its licence. Returning victims lower their
//! recruiter's reputation in their district. Empty places are taken by new recruiters, faster
//! where demand went unmet (displacement).

use super::context::Trace;
use super::matching::KindDemand;
use super::params::Params;
use super::params::RecruiterType;
use super::recruiters::{Recruiters, Status};
use super::rng::{Purpose, RunKey, entity};

#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub investigations: u32,
    pub prosecutions: u32,
    pub convictions: u32,
}

pub fn month(
    p: &Params,
    rec: &mut Recruiters,
    key: RunKey,
    t: i32,
    traces: &[Trace],
    demand: &KindDemand,
    weight: f64,
) -> Counts {
    let mut c = Counts::default();
    let nd = rec.districts;
    let m = &p.market;
    let w = weight as f32;
    for tr in traces {
        rec.victims[tr.recruiter as usize] += 1;
        let ix = tr.recruiter as usize * nd + tr.district as usize;
        rec.reputation[ix] = (rec.reputation[ix] - m.reputation_hit_share * w).max(0.0);
    }
    let e = &p.policy.enforcement;
    let coop = &p.policy.cooperation;
    let cap = &p.policy.recruitment;
    for r in 0..rec.len() {
        let k = rec.kind[r] as usize;
        let kind = &p.kinds[k];
        let start = kind.reputation;
        for d in 0..nd {
            let x = &mut rec.reputation[r * nd + d];
            *x += m.reputation_recovery_share * (start - *x);
        }
        let mut rng = key.stream(entity::recruiter(r), t as u32, Purpose::Recruiter, 0);
        match rec.status[r] {
            Status::Closed => {
                let unmet = if demand.applied[k] > 0 {
                    demand.rejected[k] as f32 / demand.applied[k] as f32
                } else {
                    0.0
                };
                if rng.chance(m.p_entry * (1.0 + m.entry_demand_factor * unmet)) {
                    rec.status[r] = Status::Active;
                    rec.timer[r] = 0;
                    rec.comply_draw[r] = rng.uniform();
                    for d in 0..nd {
                        rec.reputation[r * nd + d] = start;
                    }
                }
                rec.victims[r] = 0;
                continue;
            }
            Status::Active | Status::Prosecuted => {}
        }
        // An agency reconsiders from time to time whether over-charging is worth the risk; its
        // own stream, so that the enforcement draws below do not move.
        if kind.kind == RecruiterType::LicensedAgency && m.p_compliance_review > 0.0 {
            let mut review = key.stream(entity::recruiter(r), t as u32, Purpose::Market, 2);
            if review.chance(m.p_compliance_review) {
                rec.comply_draw[r] = review.uniform();
            }
        }
        if kind.kind == RecruiterType::LicensedAgency
            && cap.fee_cap.is_some()
            && !rec.compliant(p, r)
            && rng.chance(cap.p_cap_enforcement as f32)
        {
            rec.status[r] = Status::Closed;
            rec.victims[r] = 0;
            continue;
        }
        if rec.status[r] == Status::Active {
            let mut x = e.p_investigation * e.prosecution_intensity
                + rec.victims[r] as f32 * w * m.p_investigate_per_victim;
            if kind.transnational {
                x *= 1.0 + e.transnational_focus + coop.joint_operations_share;
            }
            if matches!(
                kind.kind,
                RecruiterType::FraudulentAgency
                    | RecruiterType::TraffickingNetwork
                    | RecruiterType::Smuggler
            ) {
                x *= 1.0 + coop.data_sharing_exposure * coop.data_sharing_share;
            }
            if rng.chance(x.min(1.0)) {
                c.investigations += 1;
                if rng.chance(e.prosecution_share) {
                    c.prosecutions += 1;
                    rec.status[r] = Status::Prosecuted;
                    rec.timer[r] = e.months_to_verdict.clamp(1, u16::MAX as u32) as u16;
                }
            }
        } else {
            rec.timer[r] = rec.timer[r].saturating_sub(1);
            if rec.timer[r] == 0 {
                if rng.chance(e.conviction_share) {
                    c.convictions += 1;
                    rec.status[r] = Status::Closed;
                } else {
                    rec.status[r] = Status::Active;
                }
            }
        }
        rec.victims[r] = 0;
    }
    rec.rebuild_reach(p, key);
    c
}
