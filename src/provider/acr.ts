// Authentication context classes Twofold announces (REFEDS profiles plus a configurable
// phishing-resistant level) and the RFC 8176 method references it records.
export const acrSfa = 'https://refeds.org/profile/sfa';
export const acrMfa = 'https://refeds.org/profile/mfa';

export interface AcrLevels {
  sfa: string;
  mfa: string;
  phishingResistant: string;
}

export const acrLevels = (phishingResistant: string): AcrLevels => ({ sfa: acrSfa, mfa: acrMfa, phishingResistant });
