//! The kWh token: a SEP-41 token where one unit is one watt-hour (3 decimals, so wallets
//! show kWh), built on OpenZeppelin's `stellar-tokens` fungible token (balances, allowances,
//! transfers, burning and the total supply are OpenZeppelin's). Only the configured minter —
//! the market contract — may create units, and it does so only for energy a meter proved it
//! delivered; holders burn units to claim consumption. The owner (the community's
//! governance) may change the minter.
#![no_std]

#[cfg(test)]
mod test;

use soroban_sdk::{
    contract, contracterror, contractevent, contractimpl, contracttype, Address, Env, MuxedAddress,
    String,
};
use stellar_tokens::fungible::burnable::FungibleBurnable;
use stellar_tokens::fungible::total_supply::{FungibleTotalSupply, TotalSupply};
use stellar_tokens::fungible::{Base, FungibleToken};
use urja_interfaces::{admin, ttl_storage::bump_instance};

/// The token's own errors; codes are stable and documented in docs/contracts.md. Balance,
/// allowance and overflow errors are OpenZeppelin's `FungibleTokenError` (100-114).
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum TokenError {
    /// A mint amount is zero or negative.
    InvalidAmount = 1,
    /// No minter has been configured yet.
    NoMinter = 6,
}

/// Emitted when the owner sets the only address allowed to mint.
#[contractevent(topics = ["set_minter"], data_format = "single-value")]
pub struct MinterChanged {
    pub minter: Address,
}

/// The token's own instance entry (OpenZeppelin keeps metadata, balances, allowances and
/// the supply under its own keys).
#[contracttype]
#[derive(Clone)]
enum Key {
    Minter,
}

const DECIMALS: u32 = 3;

#[contract]
pub struct KwhToken;

urja_interfaces::admin_entry_points!(KwhToken);

#[contractimpl]
impl KwhToken {
    /// Deploys the token with its owner (the community's governance) and its only minter
    /// (the market).
    pub fn __constructor(env: Env, admin: Address, minter: Address) {
        admin::init(&env, &admin);
        Base::set_metadata(
            &env,
            DECIMALS,
            String::from_str(&env, "Urja Energy"),
            String::from_str(&env, "kWh"),
        );
        env.storage().instance().set(&Key::Minter, &minter);
        bump_instance(&env);
    }

    /// Sets the only address allowed to mint (the market). Owner only.
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

    /// Creates `amount` Wh for `to` and adds them to the total supply. Minter (the market)
    /// only; the amount must be positive.
    pub fn mint(env: Env, to: Address, amount: i128) -> Result<(), TokenError> {
        let minter: Address = env
            .storage()
            .instance()
            .get(&Key::Minter)
            .ok_or(TokenError::NoMinter)?;
        minter.require_auth();
        if amount <= 0 {
            return Err(TokenError::InvalidAmount);
        }
        TotalSupply::mint(&env, &to, amount);
        bump_instance(&env);
        Ok(())
    }
}

/// SEP-41 balances, allowances, transfers and metadata: OpenZeppelin's implementation,
/// with the total supply tracked on mint and burn.
#[contractimpl(contracttrait)]
impl FungibleToken for KwhToken {
    type ContractType = TotalSupply;
}

/// SEP-41 `burn` and `burn_from` (claiming consumption), lowering the total supply.
#[contractimpl(contracttrait)]
impl FungibleBurnable for KwhToken {}

/// `total_supply`: proven delivered Wh minus burnt Wh.
#[contractimpl(contracttrait)]
impl FungibleTotalSupply for KwhToken {}
