// Builds the telephony the configuration asks for, the service factors use, and the routes
// it needs: the development phone's screen (never in production) or Twilio's callbacks.
import Router from '@koa/router';
import type { Audit } from '../audit/audit.js';
import type { Config } from '../config/schema.js';
import type { Csrf } from '../http/csrf.js';
import type { Views } from '../http/views.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { developmentTelephony } from './development/developmentTelephony.js';
import { devPhoneRoutes } from './development/devPhoneRoutes.js';
import { createSendLimiter, numberHasher } from './limits.js';
import { createPhoneService, type PhoneService } from './phoneService.js';
import { twilioCallbacks } from './twilio/twilioCallbacks.js';
import { twilioTelephony } from './twilio/twilioTelephony.js';
import type { Telephony } from './types.js';

export interface PhoneDeps {
  config: Config;
  store: Pick<Store, 'phone' | 'attempts'>;
  encryptionKey: Buffer;
  audit: Audit;
  views: Views;
  csrf: Csrf;
  log: Logger;
  now: () => number;
}

export interface Phone {
  service: PhoneService;
  telephony: Telephony | undefined;
  /** Koa middleware for the adapter's routes (none when telephony is off). */
  routes: ReturnType<Router['routes']>;
}

export function createPhone({ config, store, encryptionKey, audit, views, csrf, log, now }: PhoneDeps): Phone {
  let router = new Router();
  let telephony: Telephony | undefined;
  if (config.phone === 'development' && config.nodeEnv !== 'production') {
    const development = developmentTelephony({ store, now });
    telephony = development;
    router = devPhoneRoutes({ telephony: development, store, views, csrf, log });
  } else if (config.phone === 'twilio') {
    // resolvePhoneConfig refused to start without these.
    const twilio = {
      accountSid: config.twilioAccountSid!, authToken: config.twilioAuthToken!, callbackUrl: config.phoneCallbackUrl!, store, log, now,
    };
    telephony = twilioTelephony({ ...twilio, from: config.twilioFrom!, apiUrl: config.twilioApiUrl });
    router = twilioCallbacks(twilio);
  }
  const limiter = createSendLimiter({
    attempts: store.attempts,
    hashNumber: numberHasher(encryptionKey),
    now,
    limits: {
      perNumber: config.phoneLimitPerNumber, perAccount: config.phoneLimitPerAccount, global: config.phoneLimitGlobal,
      callingCodes: new Set(config.phoneCallingCodes),
    },
  });
  return {
    telephony,
    service: createPhoneService({ telephony, limiter, audit, log, organisation: config.displayName, country: config.phoneCountry }),
    routes: router.routes(),
  };
}
