// English text of the error screens, typed as the Japanese ones (a missing key fails to compile);
// spread into en.ts.
import type { errorScreensJa } from './errors-ja.js';

export const errorScreensEn: typeof errorScreensJa = {
  loginError: {
    heading: 'Login error',
    adminNote: 'Your operator administrator can also confirm whether your user ID is registered.',
    reasons: {
      'cert-missing': {
        title: 'No client certificate was presented',
        lead: 'This system can only be used with a client certificate issued to your business operator and installed in your browser.',
        steps: [
          'Import your client certificate (.p12 file) into the browser you use.',
          'Close every browser window, open this address again and pick the certificate for this system when the browser asks.',
          'If you use a USB token, check that it is plugged in.',
        ],
      },
      'cert-untrusted': {
        title: 'This certificate cannot be used here',
        lead: 'The certificate you selected was not issued by a certification authority this system accepts.',
        steps: [
          'Restart the browser to get the certificate prompt again and choose the certificate bought for this system.',
          'If you cannot find it, ask your operator administrator.',
        ],
      },
      'cert-expired': {
        title: 'Your client certificate has expired',
        lead: 'A certificate past its validity period cannot be used to log in.',
        steps: [
          'Obtain a new client certificate and import it into your browser.',
          'Ask your operator administrator to register the serial number of the new certificate.',
        ],
      },
      'cert-not-yet-valid': {
        title: 'Your client certificate is not valid yet',
        lead: 'A certificate cannot be used before its start date.',
        steps: [
          'Try again on or after the start date of the certificate.',
          'Check that the date and time of your computer are correct.',
          'If you have another certificate that is valid now, restart the browser and choose that one.',
        ],
      },
      'cert-revoked': {
        title: 'This client certificate has been suspended',
        lead: 'The certificate has been revoked, or its registration with this system has been disabled.',
        steps: [
          'Contact your operator administrator to check the status of the certificate.',
          'To use a new certificate, ask the administrator to register its serial number.',
        ],
      },
      'cert-revocation-unknown': {
        title: 'The status of your client certificate cannot be confirmed right now',
        lead: 'This system could not obtain current revocation information from the certificate authority, so it cannot let any certificate of that authority in for the moment.',
        steps: [
          'Wait a few minutes and try again.',
          'If this continues, contact the help desk of the portal; the certificate itself may be fine.',
        ],
      },
      'cert-unregistered': {
        title: 'Your client certificate is not registered',
        lead: 'The serial number of this certificate is not registered with this system, so you cannot log in.',
        steps: [
          'Ask your operator administrator to register the serial number shown below.',
          'Once it is registered, restart the browser and open this address again.',
        ],
      },
      'cert-wrong-usage': {
        title: 'This certificate cannot be used in a browser',
        lead: 'The selected certificate is registered for API use (system-to-system), so it cannot be used to log in.',
        steps: [
          'Restart the browser to see the certificate selection again, and choose a certificate registered for web use.',
          'If you have no certificate for web use, ask your operator administrator to register one.',
        ],
      },
    },
  },
  sessionTimeout: {
    heading: 'Session timeout',
    endedHeading: 'Session ended',
    action: 'Log in again to continue.',
    reasons: {
      idle: {
        title: 'You were logged out after a period of inactivity',
        lead: 'For your security, a session with no activity for a while is ended automatically.',
      },
      expired: {
        title: 'Your login has reached its maximum duration',
        lead: 'The session was ended because a set time has passed since you logged in.',
      },
      ended: {
        title: 'This session has ended',
        lead: 'The session was ended by a logout, a password change or an administrator.',
      },
      'cert-changed': {
        title: 'You were logged out because the client certificate changed',
        lead: 'A different certificate from the one used at login was presented, so the session was ended for safety.',
      },
      'account-locked': {
        title: 'You were logged out because an administrator locked your account',
        lead: 'Your operator administrator locked this user ID. You cannot log in until it is unlocked.',
        action: 'If you did not expect this, ask your operator administrator.',
      },
      'password-reset': {
        title: 'You were logged out because an administrator reset your password',
        lead: 'Your operator administrator issued a new temporary password for this user ID.',
        action: 'Log in with the temporary password you are given and choose a new password.',
      },
      'ended-by-admin': {
        title: 'An administrator ended your session',
        lead: 'This session was ended by a system administrator.',
      },
    },
  },
  multipleLogin: {
    heading: 'Multiple login detected',
    reasons: {
      replaced: {
        title: 'Your user ID was used to log in from another device',
        lead: 'Someone logged in with the same user ID from another device or browser, so the session on this screen has ended.',
        steps: [
          'To continue here, log in again (this ends the session on the other device).',
          'If you did not expect this, change your password and tell your operator administrator.',
        ],
      },
      rejected: {
        title: 'This user ID is already logged in on another device',
        lead: 'The same user ID is logged in elsewhere, so this new login was not accepted.',
        steps: [
          'Log out on the other device, then log in again here.',
          'If you did not expect this, tell your operator administrator.',
        ],
      },
    },
  },
  maintenance: {
    eyebrow: 'Maintenance',
    heading: 'The system is under maintenance',
    lead: 'The system is unavailable while maintenance is in progress.',
    action: 'Please come back and log in again once maintenance has finished.',
    since: 'Maintenance started',
    message: 'Message from the operator',
  },
  systemError: {
    heading: 'System error',
    reasons: {
      'store-unavailable': {
        title: 'The system is temporarily unavailable',
        lead: 'An internal component did not respond. Please wait a while and log in again.',
      },
      'upstream-refused': {
        title: 'The business system could not be reached',
        lead: 'The business system is not responding. Please wait a while and log in again.',
      },
      'upstream-timeout': {
        title: 'The business system did not respond in time',
        lead: 'Processing is taking longer than expected. Log in again and check whether your last operation was completed.',
      },
      overloaded: {
        title: 'The system is busy',
        lead: 'Many logins are being processed right now. Please wait a moment and try again.',
      },
      internal: {
        title: 'An unexpected error occurred',
        lead: 'Your request could not be completed. Please log in again later. If the problem persists, contact support with the reference ID.',
      },
      csrf: {
        title: 'This screen has expired',
        lead: 'The submitted form could not be verified, so nothing was changed. Reopen the screen and try again.',
      },
      'bad-request': {
        title: 'This request cannot be processed',
        lead: 'The browser sent a request this system does not accept. Open the page again from the Home screen.',
      },
    },
  },
  notFound: {
    eyebrow: '404 error',
    heading: 'Page not found',
    lead: 'The page you requested does not exist or may have moved.',
    steps: ['Check that the address (URL) is correct.', 'Open the page again from the Home screen.'],
  },
};
