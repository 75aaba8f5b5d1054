// Texts and calls for /metrics: the phone service, with each send's outcome counted.
import type { PhoneService } from '../phone/phoneService.js';
import type { Metrics } from './metrics.js';

export function countPhoneSends(service: PhoneService, metrics: Metrics): PhoneService {
  return Object.assign(Object.create(service) as PhoneService, {
    async sendText(...args: Parameters<PhoneService['sendText']>) {
      const result = await service.sendText(...args);
      metrics.phoneSend('text', result.ok ? 'sent' : result.reason);
      return result;
    },
    async placeCall(...args: Parameters<PhoneService['placeCall']>) {
      const result = await service.placeCall(...args);
      metrics.phoneSend('call', result.ok ? 'sent' : result.reason);
      return result;
    },
  });
}
