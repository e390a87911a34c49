// Every refusal the server can send, in words a person can act on: what
// happened, then what to do next. Keys are the server's error codes
// ({"error":{"code":...}} and the per-op "code" of a push answer);
// tests/js/errors.test.mjs fails when the C code gains a code that has no
// message here in both languages. The server's English "message" stays for
// integrators and is shown only for a code unknown to this version.
export const ERRORS = {
  fr: {
    // First start, productions, people (docs/operations.md).
    setup_token_invalid:
      'Ce lien d’installation n’est pas valide. Copiez-le en entier depuis le journal du serveur, ou demandez-en un nouveau (« ecoplateau setup-link »).',
    setup_token_expired:
      'Ce lien d’installation a expiré (24 h). Demandez-en un nouveau (« ecoplateau setup-link »).',
    setup_token_used: 'Ce lien d’installation a déjà servi. Connectez-vous avec le compte créé.',
    setup_done:
      'Ce serveur est déjà installé. Connectez-vous, ou demandez une invitation à un administrateur.',
    title_taken: 'Une autre production de la société porte déjà ce titre. Choisissez-en un autre.',
    production_archived:
      'Cette production est archivée : elle est en lecture seule. Rien n’est perdu, les saisies d’un téléphone y restent et partiront si le bureau la rouvre.',
    archive_invalid:
      'Ce fichier n’est pas une archive de production ecoplateau, ou il est abîmé : rien n’a été importé.',
    archive_too_new:
      'Cette archive vient d’une version plus récente d’ecoplateau : mettez ce serveur à jour, puis importez-la.',
    archive_conflict:
      'Cette production (ou son titre) existe déjà sur ce serveur : rien n’a été importé.',
    already_invited:
      'Cette adresse a déjà reçu une invitation pour la production ; le lien envoyé reste valable 7 jours.',
    account_exists: 'Un compte utilise déjà cette adresse. Connectez-vous avec lui.',
    join_token_invalid:
      'Ce lien d’invitation n’est pas valide. Copiez-le en entier, ou demandez-en un nouveau.',
    join_token_expired:
      'Ce lien d’invitation a expiré (7 jours). Demandez-en un nouveau au bureau.',
    join_token_used: 'Ce lien d’invitation a déjà servi. Connectez-vous.',
    join_member_removed:
      'Vous avez été retiré·e de la production depuis l’invitation. Voyez avec le bureau.',
    already_member:
      'Cette personne fait déjà partie de la production. Modifiez sa fiche plutôt que de l’ajouter une seconde fois.',
    attachment_incomplete:
      'La photo n’est pas encore arrivée en entier. Elle finira de s’envoyer à la prochaine connexion du téléphone qui l’a prise.',
    attachment_too_large:
      'La photo est trop lourde pour le serveur. Reprenez-la en plus petit ou demandez à la production d’augmenter la limite.',
    attachment_unknown:
      'Cette photo n’est pas (ou plus) connue du serveur. Synchronisez puis réessayez.',
    bad_signature:
      'La demande de ce téléphone n’a pas pu être vérifiée. Vérifiez la date et l’heure du téléphone ; si cela persiste, associez-le à nouveau.',
    body_incomplete:
      'La connexion a coupé pendant l’envoi. Rien n’est perdu : l’envoi reprendra tout seul.',
    body_too_large:
      'Ce qui est envoyé est trop volumineux pour un seul envoi. Envoyez-le en plusieurs fois ou prévenez la production.',
    busy: 'Le serveur est très sollicité. Rien n’est perdu : réessayez dans quelques secondes.',
    checksum_mismatch: 'Le fichier est arrivé abîmé. Il sera renvoyé depuis le téléphone.',
    clock_ahead:
      'L’horloge de ce téléphone est en avance : la saisie attend qu’un membre du bureau la valide. Réglez la date et l’heure du téléphone.',
    cross_production:
      'Ce téléphone appartient à une autre production. Associez-le à celle-ci avec un nouveau code.',
    csrf_invalid:
      'Votre session a changé dans un autre onglet. Rechargez la page puis recommencez.',
    csrf_missing: 'La page est trop ancienne pour cette action. Rechargez-la puis recommencez.',
    cursor_foreign:
      'Le serveur a été restauré ou remplacé : ce téléphone va tout recharger depuis le début. Rien de ce qu’il attend d’envoyer n’est perdu.',
    device_revoked:
      'Ce téléphone a été retiré de la production. Demandez un nouveau code d’association au bureau.',
    dossier_too_long:
      'Le dossier dépasse 12 pages. Raccourcissez les parties indiquées ou exportez un brouillon.',
    forbidden:
      'Votre rôle ne permet pas cette action. Demandez-la à la personne responsable ou au bureau de production.',
    id_collision:
      'Un autre enregistrement porte déjà cet identifiant. Rechargez la page puis recommencez.',
    incomplete:
      'Des informations manquent pour produire ce document. Complétez les champs signalés.',
    internal:
      'Le serveur a rencontré une erreur. Rien n’est perdu ; réessayez, et prévenez l’administrateur si cela se répète.',
    invalid_credentials: 'Adresse e-mail ou mot de passe incorrect. Vérifiez-les et réessayez.',
    invalid_csv:
      'Le fichier ne peut pas être importé tel quel. Corrigez les lignes indiquées puis réimportez-le.',
    invalid_cursor:
      'Le point de reprise de la synchronisation n’est plus valable. Le téléphone va tout recharger.',
    invalid_field: 'Une valeur n’est pas acceptée. Corrigez le champ indiqué.',
    invalid_op:
      'Cette modification n’a pas pu être lue par le serveur. Mettez l’application à jour puis réessayez.',
    invalid_range:
      'L’envoi de la photo s’est désynchronisé. Il reprendra au bon endroit tout seul.',
    invalid_request: 'La demande n’est pas valide. Corrigez le champ indiqué.',
    invalid_session: 'Votre session a expiré. Reconnectez-vous.',
    invalid_value: 'La valeur saisie n’est pas un nombre positif. Corrigez-la.',
    last_admin:
      'Il doit rester au moins un administrateur. Nommez-en un autre avant de changer ce rôle.',
    length_required: 'L’envoi n’indique pas sa taille. Mettez l’application à jour.',
    malformed_credentials:
      'Le code d’association est incomplet. Scannez à nouveau le code QR ou recopiez le lien en entier.',
    malformed_json:
      'Le serveur n’a pas pu lire la demande. Mettez l’application à jour puis réessayez.',
    member_removed:
      'Vous ne faites plus partie de cette production. Rapprochez-vous du bureau de production.',
    missing_field: 'Un champ obligatoire manque. Complétez-le.',
    no_recipients:
      'Personne ne recevrait ce message. Choisissez au moins un département ou une personne.',
    not_a_member: 'Vous ne faites pas partie de cette production.',
    not_found: 'Introuvable : l’élément a peut-être été supprimé. Rechargez la page.',
    no_project_analysis:
      'L’analyse du projet (C2) n’a pas encore été remplie : pas d’estimation à proposer.',
    not_stored:
      'Cette photo n’a pas été conservée par le serveur. Renvoyez-la depuis le téléphone.',
    office_only:
      'Cette action se fait depuis le bureau de production (ordinateur), pas depuis un téléphone de tournage.',
    offset_mismatch: 'L’envoi de la photo reprendra là où le serveur s’est arrêté.',
    op_id_reused:
      'Deux modifications différentes portent le même identifiant : la seconde est refusée. Prévenez l’administrateur.',
    op_too_large: 'Cette saisie est trop volumineuse. Raccourcissez le texte.',
    production_required: 'Choisissez d’abord une production.',
    rejected:
      'Le serveur a refusé cette modification. Vérifiez ce qui a été saisi puis recommencez ; si cela se répète, prévenez le bureau de production.',
    replayed_request: 'Cette demande avait déjà été reçue. Rien n’est perdu.',
    schema_unsupported:
      'Cette version de l’application est trop ancienne pour le serveur. Rechargez la page pour la mettre à jour.',
    storage_full:
      'Le serveur n’a plus de place. Rien n’est perdu sur le téléphone ; prévenez l’administrateur.',
    too_many_attempts: 'Trop de tentatives. Patientez quelques minutes avant de réessayer.',
    too_many_ops:
      'Trop de modifications en un seul envoi. Le téléphone les enverra en plusieurs fois.',
    unauthenticated: 'Connectez-vous pour continuer.',
    unavailable: 'Ce service n’est pas disponible sur ce serveur. Prévenez l’administrateur.',
    unknown_collection:
      'Le serveur ne connaît pas ce type d’enregistrement. Mettez l’application à jour.',
    unknown_device: 'Ce téléphone n’est pas (ou plus) associé. Demandez un nouveau code au bureau.',
    unknown_field: 'Le serveur ne connaît pas ce champ. Mettez l’application à jour.',
    unknown_group:
      'Ce groupe d’indicateurs n’existe pas. Choisissez-en un dans la liste (par exemple les repas).',
    unknown_indicator:
      'Cet indicateur n’existe pas dans le catalogue. Choisissez-en un dans la liste.',
    unsupported_media_type:
      'Ce fichier n’est pas une image JPEG, PNG ou WebP. Choisissez une photo.',
    wrong_device:
      'Cette saisie a été faite sur un autre téléphone : elle ne peut être modifiée que depuis celui-ci ou par le bureau.',
    wrong_kind: 'Cette modification ne s’applique pas à ce type d’enregistrement.',
    wrong_unit: 'L’unité ne correspond pas à l’indicateur. Choisissez l’unité proposée.',
    invalid_encoding: 'L’envoi compressé est arrivé abîmé. Il sera renvoyé sans compression.',
    unsupported_encoding: 'Le serveur ne lit pas cet envoi compressé. Mettez l’application à jour.',
    method_not_allowed: 'Cette action n’existe pas à cette adresse. Mettez l’application à jour.',
    // Hardening (docs/security.md)
    bad_framing:
      'La demande était mal formée et a été refusée. Rechargez la page puis recommencez.',
    counter_too_far:
      'Ce téléphone n’a pas pu être vérifié. Associez-le à nouveau avec un code du bureau.',
    cross_origin:
      'La connexion doit se faire depuis la page d’ecoplateau elle-même. Ouvrez l’adresse habituelle puis reconnectez-vous.',
    json_required:
      'La connexion doit se faire depuis la page d’ecoplateau. Ouvrez l’adresse habituelle puis reconnectez-vous.',
    request_timeout:
      'L’envoi a pris trop de temps et a été interrompu. Rien n’est perdu : il reprendra à la prochaine connexion.',
    unknown_target:
      'La saisie corrigée ou annulée n’existe pas dans cette production. Synchronisez puis réessayez.',
    weak_password:
      'Ce mot de passe est trop court ou trop courant. Choisissez une phrase d’au moins 12 caractères.',
    // Footprint (docs/carbon.md)
    invalid_date:
      'La date est hors des dates de la production, ou n’est pas une date (AAAA-MM-JJ). Choisissez un jour du tournage.',
    unknown_vehicle:
      'Ce véhicule n’est pas dans la flotte de la production. Choisissez-le dans la liste, ou demandez au bureau de l’ajouter.',
    vehicle_required: 'Choisissez le véhicule dans la flotte de la production.',
    invalid_phase: 'Phase inconnue : choisissez-la dans la liste.',
    correction_incomplete:
      'Une correction garde tous les champs du relevé corrigé (le véhicule notamment) : seuls la valeur, la date et la note changent.',
    unknown:
      'Le serveur a refusé la demande (code « {code} »). Réessayez, et prévenez l’administrateur si cela se répète.',
  },
  en: {
    // First start, productions, people (docs/operations.md).
    setup_token_invalid:
      'This setup link is not valid. Copy it whole from the server’s log, or print a new one (“ecoplateau setup-link”).',
    setup_token_expired:
      'This setup link has expired (24 h). Print a new one (“ecoplateau setup-link”).',
    setup_token_used: 'This setup link was already used. Sign in with the account it created.',
    setup_done:
      'This server is already set up. Sign in, or ask an administrator for an invitation.',
    title_taken: 'Another production of the company already has this title. Choose another one.',
    production_archived:
      'This production is archived: it is read-only. Nothing is lost: a phone’s entries stay on it and go if the office reopens it.',
    archive_invalid:
      'This file is not an ecoplateau production archive, or it is damaged: nothing was imported.',
    archive_too_new:
      'This archive comes from a newer version of ecoplateau: update this server, then import it.',
    archive_conflict:
      'This production (or its title) is already on this server: nothing was imported.',
    already_invited:
      'This address was already invited to the production; the link sent stays valid for 7 days.',
    account_exists: 'An account already uses this address. Sign in with it.',
    join_token_invalid: 'This invitation link is not valid. Copy it whole, or ask for a new one.',
    join_token_expired: 'This invitation link has expired (7 days). Ask the office for a new one.',
    join_token_used: 'This invitation link was already used. Sign in.',
    join_member_removed:
      'You were removed from the production since the invitation. Check with the office.',
    already_member:
      'This person is already on the production. Edit their details instead of adding them twice.',
    attachment_incomplete:
      'The photo has not fully arrived yet. It will finish uploading the next time the phone that took it is online.',
    attachment_too_large:
      'The photo is too large for the server. Take it again at a smaller size or ask the production office to raise the limit.',
    attachment_unknown: 'The server does not know this photo (any more). Sync, then try again.',
    bad_signature:
      'This phone’s request could not be verified. Check the phone’s date and time; if it persists, pair it again.',
    body_incomplete:
      'The connection dropped while sending. Nothing is lost: sending will resume by itself.',
    body_too_large:
      'This is too large to send at once. Send it in several parts or tell the production office.',
    busy: 'The server is very busy. Nothing is lost: try again in a few seconds.',
    checksum_mismatch: 'The file arrived damaged. It will be sent again from the phone.',
    clock_ahead:
      'This phone’s clock is ahead: the entry waits for someone in the office to accept it. Set the phone’s date and time.',
    cross_production:
      'This phone belongs to another production. Pair it with this one using a new code.',
    csrf_invalid: 'Your session changed in another tab. Reload the page and try again.',
    csrf_missing: 'This page is too old for that action. Reload it and try again.',
    cursor_foreign:
      'The server was restored or replaced: this phone will reload everything. Nothing it is waiting to send is lost.',
    device_revoked:
      'This phone was removed from the production. Ask the office for a new pairing code.',
    dossier_too_long:
      'The dossier is longer than 12 pages. Shorten the parts listed or export a draft.',
    forbidden: 'Your role does not allow this. Ask the person in charge or the production office.',
    id_collision: 'Another record already has this id. Reload the page and try again.',
    incomplete: 'Some information is missing to produce this document. Fill in the fields listed.',
    internal:
      'The server ran into an error. Nothing is lost; try again, and tell the administrator if it happens again.',
    invalid_credentials: 'Wrong email address or password. Check them and try again.',
    invalid_csv:
      'The file cannot be imported as it is. Fix the lines listed, then import it again.',
    invalid_cursor: 'The sync resume point is no longer valid. The phone will reload everything.',
    invalid_field: 'A value is not accepted. Fix the field shown.',
    invalid_op: 'The server could not read this change. Update the app and try again.',
    invalid_range: 'The photo upload got out of step. It will resume at the right place by itself.',
    invalid_request: 'The request is not valid. Fix the field shown.',
    invalid_session: 'Your session has expired. Sign in again.',
    invalid_value: 'The value entered is not a positive number. Fix it.',
    last_admin:
      'At least one administrator must remain. Appoint another one before changing this role.',
    length_required: 'The upload does not state its size. Update the app.',
    malformed_credentials:
      'The pairing code is incomplete. Scan the QR code again or copy the whole link.',
    malformed_json: 'The server could not read the request. Update the app and try again.',
    member_removed: 'You are no longer on this production. Contact the production office.',
    missing_field: 'A required field is missing. Fill it in.',
    no_recipients: 'Nobody would receive this message. Choose at least one department or person.',
    not_a_member: 'You are not on this production.',
    not_found: 'Not found: it may have been deleted. Reload the page.',
    no_project_analysis:
      'The project analysis (C2) has not been filled in yet: no estimate to offer.',
    not_stored: 'The server did not keep this photo. Send it again from the phone.',
    office_only: 'This is done from the production office (a computer), not from a crew phone.',
    offset_mismatch: 'The photo upload will resume where the server stopped.',
    op_id_reused:
      'Two different changes carry the same id: the second is refused. Tell the administrator.',
    op_too_large: 'This entry is too large. Shorten the text.',
    production_required: 'Choose a production first.',
    rejected:
      'The server refused this change. Check what was entered and try again; if it happens again, tell the production office.',
    replayed_request: 'This request had already been received. Nothing is lost.',
    schema_unsupported:
      'This version of the app is too old for the server. Reload the page to update it.',
    storage_full:
      'The server is out of space. Nothing is lost on the phone; tell the administrator.',
    too_many_attempts: 'Too many attempts. Wait a few minutes before trying again.',
    too_many_ops: 'Too many changes in one upload. The phone will send them in several parts.',
    unauthenticated: 'Sign in to continue.',
    unavailable: 'This service is not available on this server. Tell the administrator.',
    unknown_collection: 'The server does not know this kind of record. Update the app.',
    unknown_device: 'This phone is not (or no longer) paired. Ask the office for a new code.',
    unknown_field: 'The server does not know this field. Update the app.',
    unknown_group:
      'This indicator group does not exist. Choose one from the list (the meals, say).',
    unknown_indicator: 'This indicator is not in the catalogue. Choose one from the list.',
    unsupported_media_type: 'This file is not a JPEG, PNG or WebP image. Choose a photo.',
    wrong_device:
      'This entry was made on another phone: only that phone or the office can change it.',
    wrong_kind: 'This change does not apply to this kind of record.',
    wrong_unit: 'The unit does not match the indicator. Choose the unit offered.',
    invalid_encoding: 'The compressed upload arrived damaged. It will be sent again uncompressed.',
    unsupported_encoding: 'The server does not read this compressed upload. Update the app.',
    method_not_allowed: 'This action does not exist at this address. Update the app.',
    // Hardening (docs/security.md)
    bad_framing: 'The request was malformed and refused. Reload the page and try again.',
    counter_too_far: 'This phone could not be verified. Pair it again with a code from the office.',
    cross_origin: 'Sign in from ecoplateau’s own page. Open the usual address and sign in again.',
    json_required: 'Sign in from ecoplateau’s own page. Open the usual address and sign in again.',
    request_timeout:
      'Sending took too long and was cut off. Nothing is lost: it resumes at the next connection.',
    unknown_target:
      'The entry being corrected or voided does not exist in this production. Sync, then try again.',
    weak_password:
      'This password is too short or too common. Choose a phrase of at least 12 characters.',
    // Footprint (docs/carbon.md)
    invalid_date:
      'The date is outside the production’s dates, or not a date (YYYY-MM-DD). Choose a shooting day.',
    unknown_vehicle:
      'This vehicle is not in the production’s fleet. Choose it from the list, or ask the office to add it.',
    vehicle_required: 'Choose the vehicle from the production’s fleet.',
    invalid_phase: 'Unknown phase: choose it from the list.',
    correction_incomplete:
      'A correction keeps every field of the reading it corrects (the vehicle in particular): only the value, date and note change.',
    unknown:
      'The server refused the request (code “{code}”). Try again, and tell the administrator if it happens again.',
  },
};
