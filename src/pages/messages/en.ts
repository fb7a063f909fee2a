// English text for every page; typed as the Japanese dictionary, so a missing key fails to compile.
import type { Messages } from './ja.js';

export const en: Messages = {
  systemName: 'certgate portal',
  systemTagline: 'Capacity market portal for business operators',
  skipToContent: 'Skip to main content',
  footer: 'certgate — client-certificate authentication gateway',
  header: {
    userLabel: 'Signed in as',
    logout: 'Log out',
    logoutConfirm: 'Do you want to log out?',
    langSwitch: '日本語',
    langSwitchLabel: '日本語で表示',
  },
  menu: {
    label: 'Main menu',
    home: 'Home',
    registration: 'Registration',
    review: 'Review',
    auction: 'Capacity auction',
    contract: 'Capacity contracts',
  },
  banner: {
    text: (date, days) =>
      days < 0
        ? `Your client certificate expired on ${date}.`
        : days === 0
          ? `Your client certificate expires today (${date}).`
          : `Your client certificate expires on ${date} (${days} ${days === 1 ? 'day' : 'days'} left).`,
    action: 'Obtain a new certificate before then and ask your operator administrator to register its serial number.',
    expiredAction: 'Obtain a new certificate and ask your operator administrator to register its serial number.',
    link: 'View certificate details',
  },
  common: {
    close: 'Close',
    closeNote: 'Closing this screen logs you out.',
    toLogin: 'Go to the login screen',
    loginAgain: 'Log in again',
    help: 'How to install and check your client certificate',
    toHome: 'Back to Home',
    back: 'Back',
    whatToDo: 'What to do',
    details: 'Details',
    requestId: 'Reference ID',
    requestIdNote: 'Please quote this ID when you contact support.',
    required: '(required)',
    errorPrefix: 'Error:',
  },
  cert: {
    serial: 'Serial number',
    issuer: 'Issuer',
    subject: 'Subject',
    notBefore: 'Valid from',
    notAfter: 'Valid until',
    daysLeft: 'Days left',
    days: (n) => `${n} ${n === 1 ? 'day' : 'days'}`,
    expired: 'Expired',
    state: 'Registration',
    operator: 'Operator ID',
    usage: 'Usage',
    usages: { web: 'Web (browser)', api: 'API (system-to-system)' },
  },
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
  login: {
    heading: 'Log in',
    lead: 'Enter your user ID and password.',
    userId: 'User ID',
    password: 'Password',
    submit: 'Log in',
    errorTitle: 'Could not log in',
    errors: {
      'invalid-credentials':
        'Login failed. Check your user ID, your password, and the client certificate you chose in the browser (it must be registered to your own business operator), then try again.',
      'account-locked': 'This account is locked after too many wrong passwords. Ask your operator administrator to unlock it.',
      'too-many-attempts': 'Too many failed logins from this certificate. Please wait a while before trying again.',
    },
    lockNote: 'Your account is locked after a number of wrong passwords in a row.',
    forgot: 'If you forgot your password, ask your operator administrator to issue a new one.',
    certLink: 'Check the client certificate of this browser',
    loggedOut: 'You have logged out. Close the browser if you have finished.',
  },
  passwordChange: {
    heading: 'Change password',
    forcedLead: 'This is your first login, or your password was reset: you need to change your password before continuing.',
    lead: 'Enter your current password and a new password, then press Change.',
    userId: 'User ID',
    current: 'Current password',
    currentHintForced: 'Enter the temporary password you were given.',
    next: 'New password',
    confirm: 'New password (again)',
    confirmHint: 'Enter the new password once more to confirm it.',
    submit: 'Change',
    confirmDialog: 'Change your password now?',
    policyTitle: 'Password rules',
    policy: [
      '8 to 20 half-width (ASCII) letters, digits and symbols',
      'At least three of: upper-case letters, lower-case letters, digits, symbols',
      'Not one of your last 4 passwords',
      'Not the same as your user ID',
    ],
    symbols: 'Symbols you can use (half-width): ',
    errorTitle: 'Your password was not changed',
    errors: {
      length: 'Use 8 to 20 characters for the new password.',
      charset: 'The new password contains characters that are not allowed. Use only half-width (ASCII) letters, digits and symbols.',
      classes: 'Include at least three of: upper-case letters, lower-case letters, digits and symbols in the new password.',
      'same-as-user-id': 'The new password must not be the same as your user ID. Choose a different one.',
      reused: 'You used this password recently. Choose one that is not among your last 4 passwords.',
      mismatch: 'The confirmation does not match the new password. Enter the same password in both fields.',
      'wrong-current': 'The current password is incorrect. Enter it again.',
    },
  },
  passwordChanged: {
    heading: 'Your password has been changed',
    lead: 'You have been logged out for safety. Log in again with your new password.',
    login: 'Log in',
    keptLead: 'Your password has been changed. You are still logged in and can carry on.',
    toPortal: 'Back to the portal top',
  },
  certInfo: {
    heading: 'Client certificate',
    lead: 'This is the client certificate your browser presented.',
    states: {
      registered: 'Registered',
      unregistered: 'Not registered',
      expired: 'Expired',
      'not-yet-valid': 'Not yet valid',
    },
    stateNotes: {
      registered: 'This certificate is registered with the system and can be used.',
      unregistered: 'Ask your operator administrator to register this serial number.',
      expired: 'Obtain a new certificate and ask your operator administrator to register its serial number.',
      'not-yet-valid': 'The certificate can be used from its start date.',
    },
    renewal: 'Client certificates are valid for two years, and the system stops accepting them when they expire: obtain a new certificate and have its serial number registered in good time.',
  },
  logoutConfirm: {
    heading: 'Log out',
    lead: 'Do you want to log out?',
    note: 'After logging out, close the browser.',
    submit: 'Log out',
    cancel: 'Cancel',
  },
  closed: {
    heading: 'You have logged out',
    lead: 'Thank you. Close every browser window to finish.',
    note: 'If you switched client certificates, close every browser window before opening this address again.',
  },
  unauthorized: {
    heading: 'Unauthenticated request',
    lead: 'This page only accepts requests that come through the gateway. Open it again from the portal address.',
  },
  roles: {
    'operator-admin': 'Operator administrator',
    'operator-staff': 'Operator staff',
    reviewer: 'Reviewer',
    'market-reviewer': 'Market reviewer',
  },
  categories: {
    important: 'Important',
    auction: 'Capacity auction',
    registration: 'Registration',
    maintenance: 'Maintenance',
    certificate: 'Certificates',
    general: 'General',
  },
  portal: {
    welcome: (name) => `Welcome, ${name}.`,
    sectionsHeading: 'Business menu',
    sectionLeads: {
      registration: 'Apply to register, change or withdraw user, operator and resource information.',
      review: 'Check the content of applications and the status and results of their review.',
      auction: 'Check auction eligibility, register or change bids, and view auction results.',
      contract: 'View capacity contracts, amendments and termination agreements, and record your confirmation.',
    },
    noticesHeading: 'Notices',
    noticeDate: 'Date',
    noticeCategory: 'Category',
    noticeTitle: 'Title',
    noNotices: 'There are no notices at the moment.',
    total: (n) => `${n} ${n === 1 ? 'notice' : 'notices'}`,
    pagerLabel: 'Notice list pages',
    prev: 'Previous page',
    next: 'Next page',
    pageOf: (p, n) => `Page ${p} of ${n}`,
    backToList: 'Back to notices',
    attachments: 'Attachments',
    attachmentCount: (n) => `(${n} ${n === 1 ? 'attachment' : 'attachments'})`,
    attachmentsNote: 'Select a file name to download it.',
    operationsHeading: 'Available operations',
    noOperations: 'Your roles give you no operations in this section.',
    rolesNote: 'The operations shown depend on the roles of the logged-in user.',
    demoNote: 'In this demo the screens of the individual operations are not provided.',
    yourRoles: 'Your roles',
    userInfoHeading: 'User information',
    userId: 'User ID',
    userName: 'Name',
    operator: 'Operator ID',
    roles: 'Roles',
    certSerial: 'Client certificate serial number',
    certNotAfter: 'Client certificate valid until',
    changePassword: 'Change password',
    certDetails: 'View certificate details',
  },
};
