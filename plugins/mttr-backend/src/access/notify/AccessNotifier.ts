import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';

/**
 * Tells approvers about pending requests and requesters about decisions,
 * through the Backstage notifications backend when it is installed. Without
 * it (or when it fails) nothing else breaks: a notification is a courtesy,
 * the request itself is already stored.
 */
export class AccessNotifier {
  constructor(
    private readonly notifications: NotificationService | undefined,
    private readonly logger: LoggerService,
    private readonly available: () => Promise<boolean> = async () => true,
  ) {}

  async notify(options: {
    recipients: string[];
    exclude?: string;
    title: string;
    description: string;
    link?: string;
    severity?: 'critical' | 'high' | 'normal' | 'low';
    topic: string;
  }): Promise<void> {
    if (!this.notifications || options.recipients.length === 0) return;
    try {
      if (!(await this.available())) return;
      await this.notifications.send({
        recipients: {
          type: 'entity',
          entityRef: options.recipients,
          excludeEntityRef: options.exclude,
        },
        payload: {
          title: options.title,
          description: options.description,
          link: options.link,
          severity: options.severity ?? 'normal',
          topic: options.topic,
        },
      });
    } catch (error) {
      this.logger.warn(`Access notification not sent: ${error}`);
    }
  }
}
