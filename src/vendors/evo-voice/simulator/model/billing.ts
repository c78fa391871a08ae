import { deriveSeed, Prng } from '../../../../core/random/prng.ts';
import type { EvoAccount } from './tenant.ts';

/** A customer of an account (Evo Voice customers are the account's billing units). */
export interface EvoCustomer {
  /** 24 lowercase hex digits. */
  readonly id: string;
  readonly name: string;
}

/** A billed service: what one billing row prices. */
interface BilledService {
  readonly service: string;
  readonly description: string;
  readonly unit: string;
  readonly unitPrice: number;
  /** Daily quantity range [min, max]; `integer` quantities are whole numbers, others have 2 decimals. */
  readonly quantity: readonly [number, number];
  readonly integer: boolean;
}

const SERVICES: readonly BilledService[] = [
  { service: 'Call Minutes Inbound', description: 'Inbound PSTN minutes', unit: 'minute', unitPrice: 0.012, quantity: [0, 2400], integer: false },
  { service: 'Call Minutes Outbound', description: 'Outbound PSTN minutes', unit: 'minute', unitPrice: 0.0185, quantity: [0, 1800], integer: false },
  { service: 'SMS', description: 'Outbound SMS messages', unit: 'message', unitPrice: 0.0079, quantity: [0, 500], integer: true },
  { service: 'Phone Number', description: 'Phone numbers held (daily share of the monthly fee)', unit: 'number-day', unitPrice: 0.0333, quantity: [1, 40], integer: true },
  { service: 'Call Recording', description: 'Recording storage (daily share)', unit: 'GB-day', unitPrice: 0.0011, quantity: [0, 120], integer: false },
];

const CUSTOMER_NAMES = ['Harbor Dental', 'Blue Fjord Logistics', 'Pine & Co Legal', 'Aurora Clinics', 'Metro Bikes', 'Sisu Insurance', 'Lakeside Hotel', 'Northwind Traders'];

/** The account's customers (3–5), a function of (seed, account id). */
export function customersOf(seed: number, account: EvoAccount): EvoCustomer[] {
  const rng = new Prng(deriveSeed(seed, 'evo-customers', account.id));
  const count = rng.int(3, 5);
  const names = [...CUSTOMER_NAMES];
  return Array.from({ length: count }, () => {
    const name = names.splice(rng.int(0, names.length - 1), 1)[0] ?? 'Customer';
    return { id: rng.hex(24), name };
  });
}

/** One billing line: what a customer of an account used of one service on one date. */
export interface BillingLine {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly accountName: string;
  readonly customerName: string;
  readonly customerId: string;
  readonly service: string;
  readonly description: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  /** quantity × unitPrice rounded to 4 decimals. */
  readonly amount: number;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * The billing lines of `dates` (`YYYY-MM-DD`, in order): one per (date, customer, service), sorted by date, customer
 * name, service. Each quantity is a function of (seed, account, customer, date, service), so any report over a date
 * gives the same lines.
 */
export function billingLines(seed: number, account: EvoAccount, customers: readonly EvoCustomer[], dates: readonly string[]): BillingLine[] {
  const byName = [...customers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines: BillingLine[] = [];
  for (const date of dates) {
    for (const customer of byName) {
      for (const s of SERVICES) {
        const rng = new Prng(deriveSeed(seed, 'evo-billing', account.id, customer.id, date, s.service));
        const raw = rng.uniform(s.quantity[0], s.quantity[1]);
        const quantity = s.integer ? Math.floor(raw) : round(raw, 2);
        lines.push({
          date, accountName: account.name, customerName: customer.name, customerId: customer.id, service: s.service, description: s.description,
          quantity, unit: s.unit, unitPrice: s.unitPrice, amount: round(quantity * s.unitPrice, 4),
        });
      }
    }
  }
  return lines;
}
