//! The kWh token: a SEP-41 token where one unit is one watt-hour (3 decimals, so wallets
//! show kWh). Only the configured minter — the market contract — may create units, and it
//! does so only for energy a meter proved it delivered; holders burn units to claim
//! consumption. The admin (the community's governance) may change the minter.
#![no_std]

mod storage;
#[cfg(test)]
mod test;

use soroban_sdk::{
    contract, contracterror, contractevent, contractimpl, Address, Env, MuxedAddress, String,
};
use soroban_token_sdk::events::{Approve, Burn, Mint, Transfer};
use storage::{read_allowance, read_balance, write_allowance, write_balance, Key};
use urja_interfaces::{admin, TTL_EXTEND_TO, TTL_THRESHOLD};

/// Token errors; codes are stable and documented in docs/contracts.md.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum TokenError {
    /// Amount is zero or negative (or negative for approve).
    InvalidAmount = 1,
    /// The holder's balance is below the amount.
    InsufficientBalance = 2,
    /// The spender's allowance is below the amount.
    InsufficientAllowance = 3,
    /// An allowance with a positive amount expires before the current ledger.
    InvalidExpiration = 4,
    /// Arithmetic would overflow i128.
    Overflow = 5,
    /// No minter has been configured yet.
    NoMinter = 6,
}

/// Emitted when the admin sets the only address allowed to mint.
#[contractevent(topics = ["set_minter"], data_format = "single-value")]
pub struct MinterChanged {
    pub minter: Address,
}

const DECIMALS: u32 = 3;

#[contract]
pub struct KwhToken;

urja_interfaces::admin_entry_points!(KwhToken);

fn bump_instance(env: &Env) {
    env.storage()
        .instance()
        .extend_ttl(TTL_THRESHOLD, TTL_EXTEND_TO);
}

fn positive(amount: i128) -> Result<(), TokenError> {
    if amount <= 0 {
        return Err(TokenError::InvalidAmount);
    }
    Ok(())
}

fn spend_balance(env: &Env, from: &Address, amount: i128) -> Result<(), TokenError> {
    let bal = read_balance(env, from);
    if bal < amount {
        return Err(TokenError::InsufficientBalance);
    }
    write_balance(env, from, bal - amount);
    Ok(())
}

fn receive_balance(env: &Env, to: &Address, amount: i128) -> Result<(), TokenError> {
    let bal = read_balance(env, to)
        .checked_add(amount)
        .ok_or(TokenError::Overflow)?;
    write_balance(env, to, bal);
    Ok(())
}

fn spend_allowance(
    env: &Env,
    from: &Address,
    spender: &Address,
    amount: i128,
) -> Result<(), TokenError> {
    let (allowed, live_until) = read_allowance(env, from, spender);
    if allowed < amount {
        return Err(TokenError::InsufficientAllowance);
    }
    write_allowance(env, from, spender, allowed - amount, live_until);
    Ok(())
}

fn change_supply(env: &Env, delta: i128) -> Result<(), TokenError> {
    let supply: i128 = env.storage().instance().get(&Key::Supply).unwrap_or(0);
    let next = supply.checked_add(delta).ok_or(TokenError::Overflow)?;
    env.storage().instance().set(&Key::Supply, &next);
    Ok(())
}

#[contractimpl]
impl KwhToken {
    /// Deploys the token with its admin (the community's governance) and its only minter
    /// (the market).
    pub fn __constructor(env: Env, admin: Address, minter: Address) {
        admin::init(&env, &admin);
        env.storage().instance().set(&Key::Minter, &minter);
        env.storage().instance().set(&Key::Supply, &0i128);
        bump_instance(&env);
    }

    /// Sets the only address allowed to mint (the market). Admin only.
    pub fn set_minter(env: Env, minter: Address) {
        admin::require(&env);
        env.storage().instance().set(&Key::Minter, &minter);
        bump_instance(&env);
        MinterChanged { minter }.publish(&env);
    }

    /// The minter, if one is configured.
    pub fn minter(env: Env) -> Option<Address> {
        env.storage().instance().get(&Key::Minter)
    }

    /// Creates `amount` Wh for `to`. Minter (the market) only.
    pub fn mint(env: Env, to: Address, amount: i128) -> Result<(), TokenError> {
        let minter: Address = env
            .storage()
            .instance()
            .get(&Key::Minter)
            .ok_or(TokenError::NoMinter)?;
        minter.require_auth();
        positive(amount)?;
        receive_balance(&env, &to, amount)?;
        change_supply(&env, amount)?;
        bump_instance(&env);
        Mint {
            to,
            to_muxed_id: None,
            amount,
        }
        .publish(&env);
        Ok(())
    }

    /// Total units in existence: proven delivered Wh minus burnt Wh.
    pub fn total_supply(env: Env) -> i128 {
        env.storage().instance().get(&Key::Supply).unwrap_or(0)
    }

    /// SEP-41: what `spender` may still move from `from`.
    pub fn allowance(env: Env, from: Address, spender: Address) -> i128 {
        read_allowance(&env, &from, &spender).0
    }

    /// SEP-41: lets `spender` move up to `amount` of `from`'s units until `live_until_ledger`.
    pub fn approve(
        env: Env,
        from: Address,
        spender: Address,
        amount: i128,
        live_until_ledger: u32,
    ) -> Result<(), TokenError> {
        from.require_auth();
        if amount < 0 {
            return Err(TokenError::InvalidAmount);
        }
        if amount > 0 && live_until_ledger < env.ledger().sequence() {
            return Err(TokenError::InvalidExpiration);
        }
        write_allowance(&env, &from, &spender, amount, live_until_ledger);
        bump_instance(&env);
        Approve {
            from,
            spender,
            amount,
            live_until_ledger,
        }
        .publish(&env);
        Ok(())
    }

    /// SEP-41: the balance of `id`.
    pub fn balance(env: Env, id: Address) -> i128 {
        read_balance(&env, &id)
    }

    /// SEP-41: moves `amount` from `from` to `to`.
    pub fn transfer(
        env: Env,
        from: Address,
        to: MuxedAddress,
        amount: i128,
    ) -> Result<(), TokenError> {
        from.require_auth();
        positive(amount)?;
        let to_addr = to.address();
        spend_balance(&env, &from, amount)?;
        receive_balance(&env, &to_addr, amount)?;
        bump_instance(&env);
        Transfer {
            from,
            to: to_addr,
            to_muxed_id: to.id(),
            amount,
        }
        .publish(&env);
        Ok(())
    }

    /// SEP-41: `spender` moves `amount` from `from` to `to` within its allowance.
    pub fn transfer_from(
        env: Env,
        spender: Address,
        from: Address,
        to: Address,
        amount: i128,
    ) -> Result<(), TokenError> {
        spender.require_auth();
        positive(amount)?;
        spend_allowance(&env, &from, &spender, amount)?;
        spend_balance(&env, &from, amount)?;
        receive_balance(&env, &to, amount)?;
        bump_instance(&env);
        Transfer {
            from,
            to,
            to_muxed_id: None,
            amount,
        }
        .publish(&env);
        Ok(())
    }

    /// SEP-41: destroys `amount` of `from`'s units (claiming consumption).
    pub fn burn(env: Env, from: Address, amount: i128) -> Result<(), TokenError> {
        from.require_auth();
        positive(amount)?;
        spend_balance(&env, &from, amount)?;
        change_supply(&env, -amount)?;
        bump_instance(&env);
        Burn { from, amount }.publish(&env);
        Ok(())
    }

    /// SEP-41: `spender` destroys `amount` of `from`'s units within its allowance.
    pub fn burn_from(
        env: Env,
        spender: Address,
        from: Address,
        amount: i128,
    ) -> Result<(), TokenError> {
        spender.require_auth();
        positive(amount)?;
        spend_allowance(&env, &from, &spender, amount)?;
        spend_balance(&env, &from, amount)?;
        change_supply(&env, -amount)?;
        bump_instance(&env);
        Burn { from, amount }.publish(&env);
        Ok(())
    }

    /// SEP-41: 3 — one unit is one Wh, so wallets display kWh.
    pub fn decimals(_env: Env) -> u32 {
        DECIMALS
    }

    /// SEP-41: the token's name.
    pub fn name(env: Env) -> String {
        String::from_str(&env, "Urja Energy")
    }

    /// SEP-41: the token's symbol.
    pub fn symbol(env: Env) -> String {
        String::from_str(&env, "kWh")
    }
}
