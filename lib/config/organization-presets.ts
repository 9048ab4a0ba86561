import { mergeOverrides } from './merge';
import type { GatewayConfigInput } from './schema';

type Preset = Partial<Pick<GatewayConfigInput, 'security'>>;

/**
 * Defaults that follow from the kind of organization, layered UNDER the file: anything the
 * file (or an environment override) sets wins. Kept small and explained in docs/profiles.md.
 */
export const ORGANIZATION_PRESETS: Readonly<Record<string, Preset>> = {
  // Card data and credential stuffing are the threats: a tighter per-IP rate.
  'fintech-startup': { security: { waf: { ip_rate_limit: 1000 } } },
  // Scalpers and scrapers hit catalogues and checkout; shoppers share carrier NAT addresses.
  ecommerce: { security: { waf: { ip_rate_limit: 5000, bot_control: 'targeted' } } },
  // Many users of one customer sit behind one corporate egress IP.
  'enterprise-saas': { security: { waf: { ip_rate_limit: 5000 } } },
  // Patient portals draw credential stuffing: Bot Control's targeted (coordinated bot) inspection.
  healthcare: { security: { waf: { bot_control: 'targeted' } } },
  // public-sector: none; the defaults (anonymous IPs blocked, common Bot Control) fit.
  // Mostly public reads from shared networks (carriers, campuses, households behind one address).
  media: { security: { waf: { ip_rate_limit: 5000 } } },
};

/** The raw config with its organization preset underneath (unknown types get none). */
export function withOrganizationPreset(raw: Record<string, unknown>): Record<string, unknown> {
  const type = (raw.organization as { type?: unknown } | undefined)?.type;
  const preset = typeof type === 'string' ? ORGANIZATION_PRESETS[type] : undefined;
  return preset ? (mergeOverrides(preset, raw) as Record<string, unknown>) : raw;
}
