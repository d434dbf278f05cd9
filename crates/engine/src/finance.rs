//! Phase 5, financing, and the household's debt over time: paying the cost of migrating from
//! savings and then from lenders in the scenario's order, monthly interest, repayment, and
//! foreclosure on pledged land at home.

use super::agent::{Agent, State, fl, tr};
use super::context::{Ctx, Local};
use super::params::LenderType;
use super::params::Params;
use super::rng::Purpose;
use super::select;
use super::stats::Account;

/// Whether agent `i` can borrow from lender `l` at all (a fixed property of the household).
#[inline]
pub fn has_access(ctx: &Ctx, i: usize, a: &Agent, l: usize) -> bool {
    let lender = &ctx.p.lenders[l];
    if lender.collateral && !a.has(tr::LAND) {
        return false;
    }
    // The draw is in [0, 1): a share of 1 (or 0) decides without it.
    if lender.access_share >= 1.0 {
        return true;
    }
    if lender.access_share <= 0.0 {
        return false;
    }
    ctx.key.fixed(i as u64, Purpose::Finance, l as u16) < lender.access_share
}

/// Whether the household has access to the safe-migration loan.
#[inline]
pub fn has_safe_loan(ctx: &Ctx, i: usize) -> bool {
    ctx.key.fixed(i as u64, Purpose::SafeLoan, 0) < ctx.p.policy.finance.coverage_share
}

/// Largest loan lender `l` gives this household for an offer with recruiter advance `advance`.
#[inline]
fn lender_cap(p: &Params, a: &Agent, l: usize, advance: f32) -> f32 {
    let lender = &p.lenders[l];
    match lender.kind {
        LenderType::RecruiterAdvance => advance.min(lender.cap),
        _ if lender.collateral => lender.cap.min(p.pop.land_value),
        _ => {
            let _ = a;
            lender.cap
        }
    }
}

/// What a household could raise for an offer: savings and every loan open to it, except the
/// recruiter's advance, which depends on the offer (`with_advance`). Worked out once a month per
/// seeker, since it needs one keyed draw per lender.
#[derive(Clone, Copy, Debug)]
pub struct Means {
    pub base: f32,
    /// Cap of the recruiter-advance lender, if the household has access to one.
    pub advance_cap: Option<f32>,
    /// Cap of the safe-migration loan, if the household has access to it (it finances only
    /// registered migration: the lender requires the government's clearance).
    pub safe: f32,
}

impl Means {
    pub fn of(ctx: &Ctx, i: usize, a: &Agent) -> Means {
        let mut base = a.savings.max(0.0);
        let safe = if has_safe_loan(ctx, i) {
            ctx.p.policy.finance.cap
        } else {
            0.0
        };
        let mut advance_cap = None;
        for l in 0..ctx.p.lenders.len() {
            if has_access(ctx, i, a, l) {
                if ctx.p.lenders[l].kind == LenderType::RecruiterAdvance {
                    advance_cap = Some(advance_cap.unwrap_or(0.0) + ctx.p.lenders[l].cap);
                } else {
                    base += lender_cap(ctx.p, a, l, 0.0);
                }
            }
        }
        Means {
            base,
            advance_cap,
            safe,
        }
    }

    /// Everything the household could raise for an offer whose recruiter advances `advance`,
    /// on a registered route or not.
    #[inline]
    pub fn with_advance(&self, advance: f32, registered: bool) -> f32 {
        self.base
            + self.advance_cap.map(|c| advance.min(c)).unwrap_or(0.0)
            + if registered { self.safe } else { 0.0 }
    }
}

/// Add a loan of `x` at monthly rate `rate` to the household's debt (blending the rate).
#[inline]
pub fn add_loan(a: &mut Agent, x: f32, rate: f32) {
    if x <= 0.0 {
        return;
    }
    let d = a.debt.max(0.0);
    a.rate = if d + x > 0.0 {
        (a.rate * d + rate * x) / (d + x)
    } else {
        rate
    };
    a.debt = d + x;
    a.savings += x;
}

/// Pay the cost of departing: `fee` to the recruiter and `travel` for the legs. Savings first
/// (the safe loan before other credit when the household has it), then lenders in order.
pub fn pay_departure(
    ctx: &Ctx,
    i: usize,
    a: &mut Agent,
    fee: f32,
    travel: f32,
    advance: f32,
    loc: &mut Local,
) {
    let cost = fee + travel;
    let mut need = (cost - a.savings.max(0.0)).max(0.0);
    if need > 0.0 && ctx.p.registered(a.route) && has_safe_loan(ctx, i) {
        let x = need.min(ctx.p.policy.finance.cap);
        add_loan(a, x, ctx.p.policy.finance.rate);
        need -= x;
        a.flags |= fl::BORROWED;
    }
    for l in 0..ctx.p.lenders.len() {
        if need <= 0.0 {
            break;
        }
        if !has_access(ctx, i, a, l) {
            continue;
        }
        let x = need.min(lender_cap(ctx.p, a, l, advance));
        if x <= 0.0 {
            continue;
        }
        let lender = &ctx.p.lenders[l];
        add_loan(a, x, lender.rate);
        need -= x;
        a.flags |= fl::BORROWED;
        if lender.collateral {
            a.flags |= fl::COLLATERAL;
        }
        if lender.kind == LenderType::RecruiterAdvance {
            a.advance += x;
        }
    }
    // Whatever is still missing (the choice only allowed offers the household could raise, so
    // only rounding) comes out of savings, which may go slightly negative.
    a.savings -= cost;
    loc.t(a).pay(Account::Households, Account::Recruiters, fee);
    loc.t(a)
        .pay(Account::Households, Account::Transport, travel);
}

/// Money needed in an emergency (ransom, an onward smuggler): part from savings, the rest
/// borrowed from the dearest lender, whatever the caps (the family pays). Paid to `to`.
pub fn emergency(p: &Params, a: &mut Agent, amount: f32, to: Account, loc: &mut Local) {
    let from_savings = (amount * (1.0 - p.finance.ransom_borrowed_share)).min(a.savings.max(0.0));
    let borrowed = amount - from_savings;
    if borrowed > 0.0 {
        let rate = p.lenders.iter().map(|l| l.rate).fold(0.0f32, f32::max);
        add_loan(a, borrowed, rate);
        a.flags |= fl::BORROWED;
    }
    a.savings -= amount;
    loc.t(a).pay(Account::Households, to, amount);
}

/// Add a month's interest to the debt; it is owed to the lenders. The month counts as one more
/// in arrears until [`repay`] covers its interest. A household `default_months` in arrears, at
/// home or while the migrant is abroad, has defaulted (see `default`): its debt bears no more
/// interest, so no debt grows without bound.
#[inline]
pub fn accrue(ctx: &Ctx, a: &mut Agent, loc: &mut Local) -> f32 {
    if a.debt <= 0.0 {
        return 0.0;
    }
    if a.arrears as u32 >= ctx.p.finance.default_months && a.rate > 0.0 {
        default(ctx, a, loc);
    }
    let interest = a.debt * a.rate;
    if interest <= 0.0 {
        return 0.0;
    }
    a.debt += interest;
    a.advance *= 1.0 + a.rate;
    a.arrears = a.arrears.saturating_add(1);
    loc.t(a)
        .pay(Account::Households, Account::Lenders, interest);
    interest
}

/// Repay up to `amount` of debt out of savings (advance first), after this month's interest has
/// accrued; a payment that covers the month's interest clears the arrears. Records full
/// repayment.
pub fn repay(ctx: &Ctx, a: &mut Agent, amount: f32, loc: &mut Local) -> f32 {
    if a.debt <= 0.0 || amount <= 0.0 {
        return 0.0;
    }
    // The month's interest, accrued just before: debt = last month's debt x (1 + rate).
    let interest = a.debt * a.rate / (1.0 + a.rate);
    let x = amount.min(a.debt);
    a.debt -= x;
    a.savings -= x;
    a.advance = (a.advance - x).max(0.0);
    if x >= interest {
        a.arrears = 0;
    }
    if a.debt < 1.0 {
        // Settle the last dollar so that rounding does not leave a debt forever.
        a.savings -= a.debt;
        a.debt = 0.0;
        a.advance = 0.0;
        a.rate = 0.0;
        a.arrears = 0;
        if a.is(fl::BORROWED) && !a.is(fl::REPAID) {
            a.flags |= fl::REPAID;
            if a.is(fl::REPORTED)
                && let Some(y) = ctx.year_of(a.departed)
            {
                loc.out.episodes[y][a.cell()].repaid += 1;
                loc.out.episodes[y][a.cell()].months_to_repay += (ctx.t - a.departed as i32) as f64;
            }
        }
    }
    x
}

/// A household at home. Savings above its buffer (`savings_months` of its income) go to its
/// debt first; while no one in it is seeking work abroad, it spends `home_spending_share` of
/// what is still above the buffer each month. With debt, it also puts `home_repay_share` of its
/// income to the debt. When that does not cover the interest for `default_months` in a row, a
/// lender holding its land forecloses, and the lenders, having taken what there was to take,
/// write off `default_write_off_share` of what is still owed and charge no more interest on the
/// rest, which the household goes on paying from its income. So a debt at home cannot grow
/// without bound.
#[inline]
pub fn home_month(ctx: &Ctx, a: &mut Agent, income: f32, loc: &mut Local) {
    let p = ctx.p;
    let buffer = p.pop.savings_months * a.home_income;
    if a.debt > 0.0 {
        let spare = (a.savings - buffer).max(0.0);
        let budget = income * p.finance.home_repay_share;
        loc.t(a)
            .pay(Account::HomeEconomy, Account::Households, budget);
        a.savings += budget;
        accrue(ctx, a, loc);
        repay(ctx, a, budget + spare, loc);
    }
    let share = p.finance.home_spending_share;
    if share > 0.0 {
        // Whether a household spends varies from one to the next (seeking or not, savings above
        // the buffer or not): spending nothing (taking and paying 0) leaves savings and the
        // ledger as they are (the ledger's sums start at +0 and so never are -0, to which adding
        // 0 would make a difference), so the amount is selected without a branch the processor
        // would often mispredict.
        let spends = (a.state == State::AtHome) & (a.savings > buffer);
        let spent = select::f32(spends, (a.savings - buffer) * share, 0.0);
        a.savings -= spent;
        loc.t(a)
            .pay(Account::Households, Account::HomeEconomy, spent);
    }
}

/// Default after `default_months` in arrears: a lender holding the household's land forecloses
/// (also while the migrant is abroad: the land is at home), then the lenders write off
/// `default_write_off_share` of what is left and charge no more interest on the rest.
fn default(ctx: &Ctx, a: &mut Agent, loc: &mut Local) {
    let p = ctx.p;
    a.arrears = 0;
    if a.is(fl::COLLATERAL) && a.has(tr::LAND) {
        let seized = a.debt.min(p.pop.land_value);
        // The lender takes the land and writes off that much debt.
        a.debt -= seized;
        loc.t(a).pay(Account::Lenders, Account::Households, seized);
        a.traits &= !tr::LAND;
        if !a.is(fl::COLLATERAL_LOST) {
            a.flags |= fl::COLLATERAL_LOST;
            if a.is(fl::REPORTED)
                && let Some(y) = ctx.year_of(a.departed)
            {
                loc.out.episodes[y][a.cell()].collateral_lost += 1;
            }
        }
    }
    let written_off = a.debt * p.finance.default_write_off_share;
    a.debt -= written_off;
    a.advance = (a.advance - written_off).max(0.0);
    loc.t(a)
        .pay(Account::Lenders, Account::Households, written_off);
    a.rate = 0.0;
    if a.debt < 1.0 {
        loc.t(a).pay(Account::Lenders, Account::Households, a.debt);
        a.debt = 0.0;
        a.advance = 0.0;
    }
}
