// The respondent page's own texts (buttons, progress, notices, validation messages) in the
// survey's language (issue 7). The survey's questions are the author's text and are not
// translated. Languages without a catalogue fall back to English; regional codes use their
// language (de-CH → de). Placeholders are written {name}; a message with forms for one/other
// chooses by the `count` placeholder (Intl.PluralRules of the language).

import { RESPONDENT_LANGUAGES, type RespondentLanguage } from './languages';

export { RESPONDENT_LANGUAGES, LANGUAGE_NAMES, type RespondentLanguage } from './languages';

/** A message: one text, or one text per plural category (selected by `count`). */
type Message = string | { readonly one: string; readonly other: string };

const en = {
	// the flow
	start: 'Start the survey',
	next: 'Next',
	back: 'Back',
	submit: 'Submit',
	sendAnswer: 'Send my answer',
	progress: 'Page {page} of {pages}',
	required: '(required)',
	errorSummary: 'There is a problem',
	thisPage: 'This page',
	moreQuestions: 'More questions appeared because of your answers. Please have a look.',
	draftRestored:
		'We restored answers you had not sent yet. They are saved when you press {button}.',
	unsaved: 'Your answers on this page are not saved yet.',
	savedAt: 'Your answers were saved at {time}.',
	// the introduction
	questionCount: { one: '{count} question.', other: '{count} questions.' },
	openUntil: 'Open until {date}.',
	anonymous: 'Your answers are anonymous.',
	savedPerPage: 'Your answers are saved page by page, so you can stop and come back later.',
	// the end
	recorded: 'Your answers are recorded. You can close this page.',
	thankYouDefault: 'Thank you for your answers.',
	answerRecorded: 'Your answer is recorded. You can change it below while the survey is open.',
	// link problems
	titleClosed: 'Survey closed',
	titleLink: 'Survey link',
	closedHeading: 'This survey has closed',
	closedBody: 'Thank you for your interest. Answers are no longer collected for this survey.',
	limitedHeading: 'Please wait a moment',
	limitedBody: {
		one: 'There were too many attempts from your network. Try again in {count} minute.',
		other: 'There were too many attempts from your network. Try again in {count} minutes.'
	},
	invalidHeading: 'This link is not valid',
	invalidBody:
		'The survey link may be incomplete or no longer in use. Please open the link from the e-mail you received again, or copy the whole address into your browser.',
	// refused posts
	tooManyAnswers: 'Too many answers came from your network. Please try again later.',
	formUnreadable: 'The form could not be read. Please try again.',
	formTooLarge: 'The form is too large.',
	valueTooLarge: 'The form contains a value that is too large.',
	noSuchPage: 'This page does not exist in the survey.',
	notOnPage: 'The form contains answers to questions that are not on this page.',
	reloadPage: 'Please reload the page and try again.',
	// question controls
	other: 'Other',
	otherPleaseSay: 'Other, please say',
	picksAtLeast: 'Choose at least {min}.',
	picksAtMost: 'Choose at most {max}.',
	picksBetween: 'Choose at least {min} and at most {max}.',
	rankHint: 'Give every option a place, best first.',
	rankFirst: 'First',
	rankSecond: 'Second',
	rankThird: 'Third',
	rankPlace: 'Place {n}',
	choose: 'Choose…',
	ratingLow: '{n} = lowest',
	ratingHigh: '{n} = highest',
	// defaults of the survey definition, shown in the survey's language when left unchanged
	yes: 'Yes',
	no: 'No',
	npsLow: 'Not at all likely',
	npsHigh: 'Extremely likely',
	// validation (src/lib/schemas/responses.ts)
	pleaseAnswer: 'Please answer this question.',
	likertPoint: 'Choose one of the {points} points of the scale.',
	ratingRange: 'Choose a rating from 1 to {max}.',
	npsRange: 'Choose a number from 0 to 10.',
	matrixPoint: 'Choose one of the {points} points for each statement.',
	matrixShape: 'This answer does not match the statements of the question.',
	matrixMissing: 'Please rate every statement (missing: {items}).',
	chooseOne: 'Choose one of the options.',
	chooseFrom: 'Choose from the options.',
	chooseOnce: 'Each option can be chosen once.',
	minPicks: { one: 'Choose at least {count} option.', other: 'Choose at least {count} options.' },
	maxPicks: { one: 'Choose at most {count} option.', other: 'Choose at most {count} options.' },
	yesNo: 'Answer yes or no.',
	rank: 'Rank the options.',
	rankEvery: 'Give every option a place in the ranking.',
	rankShown: 'Rank only the options shown.',
	rankOnce: 'Each option can have only one place.',
	number: 'Enter a number.',
	wholeNumber: 'Enter a whole number.',
	numberRange: 'Enter a number from {min} to {max}.',
	numberMin: 'Enter at least {min}.',
	numberMax: 'Enter at most {max}.',
	text: 'Enter text.',
	textMax: { one: 'Use at most {count} character.', other: 'Use at most {count} characters.' },
	unknownQuestions: 'This form contains answers to unknown questions.',
	otherMissing: 'Please say what "other" means for you.'
} as const satisfies Record<string, Message>;

export type MessageKey = keyof typeof en;
type Catalogue = { readonly [K in MessageKey]: Message };

const de: Catalogue = {
	start: 'Umfrage starten',
	next: 'Weiter',
	back: 'Zurück',
	submit: 'Absenden',
	sendAnswer: 'Antwort senden',
	progress: 'Seite {page} von {pages}',
	required: '(Pflichtfrage)',
	errorSummary: 'Bitte überprüfen Sie Ihre Angaben',
	thisPage: 'Diese Seite',
	moreQuestions:
		'Aufgrund Ihrer Antworten sind weitere Fragen erschienen. Bitte sehen Sie sie sich an.',
	draftRestored:
		'Wir haben Antworten wiederhergestellt, die Sie noch nicht gesendet hatten. Sie werden gespeichert, wenn Sie auf „{button}“ klicken.',
	unsaved: 'Ihre Antworten auf dieser Seite sind noch nicht gespeichert.',
	savedAt: 'Ihre Antworten wurden um {time} gespeichert.',
	questionCount: { one: '{count} Frage.', other: '{count} Fragen.' },
	openUntil: 'Offen bis {date}.',
	anonymous: 'Ihre Antworten sind anonym.',
	savedPerPage:
		'Ihre Antworten werden Seite für Seite gespeichert. Sie können also jederzeit unterbrechen und später weitermachen.',
	recorded: 'Ihre Antworten wurden gespeichert. Sie können diese Seite jetzt schließen.',
	thankYouDefault: 'Vielen Dank für Ihre Antworten.',
	answerRecorded:
		'Ihre Antwort wurde gespeichert. Solange die Umfrage läuft, können Sie sie unten noch ändern.',
	titleClosed: 'Umfrage beendet',
	titleLink: 'Umfragelink',
	closedHeading: 'Diese Umfrage ist beendet',
	closedBody:
		'Vielen Dank für Ihr Interesse. Für diese Umfrage werden keine Antworten mehr entgegengenommen.',
	limitedHeading: 'Bitte warten Sie einen Moment',
	limitedBody: {
		one: 'Aus Ihrem Netzwerk kamen zu viele Versuche. Bitte versuchen Sie es in {count} Minute erneut.',
		other:
			'Aus Ihrem Netzwerk kamen zu viele Versuche. Bitte versuchen Sie es in {count} Minuten erneut.'
	},
	invalidHeading: 'Dieser Link ist ungültig',
	invalidBody:
		'Der Umfragelink ist möglicherweise unvollständig oder wird nicht mehr verwendet. Bitte öffnen Sie den Link aus der erhaltenen E-Mail erneut oder kopieren Sie die vollständige Adresse in Ihren Browser.',
	tooManyAnswers:
		'Aus Ihrem Netzwerk kamen zu viele Antworten. Bitte versuchen Sie es später erneut.',
	formUnreadable: 'Das Formular konnte nicht gelesen werden. Bitte versuchen Sie es erneut.',
	formTooLarge: 'Das Formular ist zu groß.',
	valueTooLarge: 'Das Formular enthält einen zu langen Wert.',
	noSuchPage: 'Diese Seite gibt es in der Umfrage nicht.',
	notOnPage: 'Das Formular enthält Antworten auf Fragen, die nicht auf dieser Seite stehen.',
	reloadPage: 'Bitte laden Sie die Seite neu und versuchen Sie es erneut.',
	other: 'Sonstiges',
	otherPleaseSay: 'Sonstiges, und zwar',
	picksAtLeast: 'Wählen Sie mindestens {min} aus.',
	picksAtMost: 'Wählen Sie höchstens {max} aus.',
	picksBetween: 'Wählen Sie mindestens {min} und höchstens {max} aus.',
	rankHint: 'Geben Sie jeder Option einen Platz, die beste zuerst.',
	rankFirst: 'Erster Platz',
	rankSecond: 'Zweiter Platz',
	rankThird: 'Dritter Platz',
	rankPlace: 'Platz {n}',
	choose: 'Bitte wählen…',
	ratingLow: '{n} = niedrigste Bewertung',
	ratingHigh: '{n} = höchste Bewertung',
	yes: 'Ja',
	no: 'Nein',
	npsLow: 'Äußerst unwahrscheinlich',
	npsHigh: 'Äußerst wahrscheinlich',
	pleaseAnswer: 'Bitte beantworten Sie diese Frage.',
	likertPoint: 'Wählen Sie einen der {points} Punkte der Skala.',
	ratingRange: 'Wählen Sie eine Bewertung von 1 bis {max}.',
	npsRange: 'Wählen Sie eine Zahl von 0 bis 10.',
	matrixPoint: 'Wählen Sie für jede Aussage einen der {points} Punkte.',
	matrixShape: 'Diese Antwort passt nicht zu den Aussagen der Frage.',
	matrixMissing: 'Bitte bewerten Sie jede Aussage (es fehlt: {items}).',
	chooseOne: 'Wählen Sie eine der Optionen.',
	chooseFrom: 'Wählen Sie aus den Optionen.',
	chooseOnce: 'Jede Option kann nur einmal gewählt werden.',
	minPicks: {
		one: 'Wählen Sie mindestens {count} Option.',
		other: 'Wählen Sie mindestens {count} Optionen.'
	},
	maxPicks: {
		one: 'Wählen Sie höchstens {count} Option.',
		other: 'Wählen Sie höchstens {count} Optionen.'
	},
	yesNo: 'Antworten Sie mit Ja oder Nein.',
	rank: 'Bringen Sie die Optionen in eine Reihenfolge.',
	rankEvery: 'Geben Sie jeder Option einen Platz in der Reihenfolge.',
	rankShown: 'Ordnen Sie nur die angezeigten Optionen.',
	rankOnce: 'Jede Option kann nur einen Platz haben.',
	number: 'Geben Sie eine Zahl ein.',
	wholeNumber: 'Geben Sie eine ganze Zahl ein.',
	numberRange: 'Geben Sie eine Zahl von {min} bis {max} ein.',
	numberMin: 'Geben Sie mindestens {min} ein.',
	numberMax: 'Geben Sie höchstens {max} ein.',
	text: 'Geben Sie einen Text ein.',
	textMax: {
		one: 'Verwenden Sie höchstens {count} Zeichen.',
		other: 'Verwenden Sie höchstens {count} Zeichen.'
	},
	unknownQuestions: 'Dieses Formular enthält Antworten auf unbekannte Fragen.',
	otherMissing: 'Bitte geben Sie an, was Sie mit „Sonstiges“ meinen.'
};

const fr: Catalogue = {
	start: 'Commencer le questionnaire',
	next: 'Suivant',
	back: 'Retour',
	submit: 'Envoyer',
	sendAnswer: 'Envoyer ma réponse',
	progress: 'Page {page} sur {pages}',
	required: '(obligatoire)',
	errorSummary: 'Veuillez vérifier vos réponses',
	thisPage: 'Cette page',
	moreQuestions:
		'D’autres questions sont apparues en fonction de vos réponses. Merci de les consulter.',
	draftRestored:
		'Nous avons restauré des réponses que vous n’aviez pas encore envoyées. Elles seront enregistrées lorsque vous cliquerez sur « {button} ».',
	unsaved: 'Vos réponses sur cette page ne sont pas encore enregistrées.',
	savedAt: 'Vos réponses ont été enregistrées à {time}.',
	questionCount: { one: '{count} question.', other: '{count} questions.' },
	openUntil: 'Ouvert jusqu’au {date}.',
	anonymous: 'Vos réponses sont anonymes.',
	savedPerPage:
		'Vos réponses sont enregistrées page par page : vous pouvez vous arrêter et reprendre plus tard.',
	recorded: 'Vos réponses ont bien été enregistrées. Vous pouvez fermer cette page.',
	thankYouDefault: 'Merci pour vos réponses.',
	answerRecorded:
		'Votre réponse a bien été enregistrée. Vous pouvez la modifier ci-dessous tant que le questionnaire est ouvert.',
	titleClosed: 'Questionnaire clôturé',
	titleLink: 'Lien du questionnaire',
	closedHeading: 'Ce questionnaire est clôturé',
	closedBody: 'Merci de votre intérêt. Les réponses à ce questionnaire ne sont plus recueillies.',
	limitedHeading: 'Veuillez patienter un instant',
	limitedBody: {
		one: 'Trop de tentatives ont été effectuées depuis votre réseau. Réessayez dans {count} minute.',
		other:
			'Trop de tentatives ont été effectuées depuis votre réseau. Réessayez dans {count} minutes.'
	},
	invalidHeading: 'Ce lien n’est pas valide',
	invalidBody:
		'Le lien du questionnaire est peut-être incomplet ou n’est plus utilisé. Veuillez rouvrir le lien figurant dans l’e-mail reçu ou copier l’adresse complète dans votre navigateur.',
	tooManyAnswers: 'Trop de réponses proviennent de votre réseau. Veuillez réessayer plus tard.',
	formUnreadable: 'Le formulaire n’a pas pu être lu. Veuillez réessayer.',
	formTooLarge: 'Le formulaire est trop volumineux.',
	valueTooLarge: 'Le formulaire contient une valeur trop longue.',
	noSuchPage: 'Cette page n’existe pas dans le questionnaire.',
	notOnPage:
		'Le formulaire contient des réponses à des questions qui ne figurent pas sur cette page.',
	reloadPage: 'Veuillez recharger la page et réessayer.',
	other: 'Autre',
	otherPleaseSay: 'Autre, veuillez préciser',
	picksAtLeast: 'Choisissez-en au moins {min}.',
	picksAtMost: 'Choisissez-en au plus {max}.',
	picksBetween: 'Choisissez-en au moins {min} et au plus {max}.',
	rankHint: 'Attribuez une place à chaque option, la meilleure en premier.',
	rankFirst: 'Première place',
	rankSecond: 'Deuxième place',
	rankThird: 'Troisième place',
	rankPlace: 'Place {n}',
	choose: 'Choisir…',
	ratingLow: '{n} = note la plus basse',
	ratingHigh: '{n} = note la plus haute',
	yes: 'Oui',
	no: 'Non',
	npsLow: 'Pas du tout probable',
	npsHigh: 'Extrêmement probable',
	pleaseAnswer: 'Veuillez répondre à cette question.',
	likertPoint: 'Choisissez l’un des {points} points de l’échelle.',
	ratingRange: 'Choisissez une note de 1 à {max}.',
	npsRange: 'Choisissez un nombre de 0 à 10.',
	matrixPoint: 'Choisissez l’un des {points} points pour chaque affirmation.',
	matrixShape: 'Cette réponse ne correspond pas aux affirmations de la question.',
	matrixMissing: 'Veuillez évaluer chaque affirmation (manquant : {items}).',
	chooseOne: 'Choisissez l’une des options.',
	chooseFrom: 'Choisissez parmi les options proposées.',
	chooseOnce: 'Chaque option ne peut être choisie qu’une fois.',
	minPicks: {
		one: 'Choisissez au moins {count} option.',
		other: 'Choisissez au moins {count} options.'
	},
	maxPicks: {
		one: 'Choisissez au plus {count} option.',
		other: 'Choisissez au plus {count} options.'
	},
	yesNo: 'Répondez par oui ou par non.',
	rank: 'Classez les options.',
	rankEvery: 'Attribuez une place à chaque option du classement.',
	rankShown: 'Classez uniquement les options proposées.',
	rankOnce: 'Chaque option ne peut occuper qu’une seule place.',
	number: 'Saisissez un nombre.',
	wholeNumber: 'Saisissez un nombre entier.',
	numberRange: 'Saisissez un nombre compris entre {min} et {max}.',
	numberMin: 'Saisissez au moins {min}.',
	numberMax: 'Saisissez au plus {max}.',
	text: 'Saisissez un texte.',
	textMax: {
		one: 'Utilisez au plus {count} caractère.',
		other: 'Utilisez au plus {count} caractères.'
	},
	unknownQuestions: 'Ce formulaire contient des réponses à des questions inconnues.',
	otherMissing: 'Veuillez préciser ce que vous entendez par « Autre ».'
};

const es: Catalogue = {
	start: 'Empezar la encuesta',
	next: 'Siguiente',
	back: 'Atrás',
	submit: 'Enviar',
	sendAnswer: 'Enviar mi respuesta',
	progress: 'Página {page} de {pages}',
	required: '(obligatoria)',
	errorSummary: 'Revise sus respuestas',
	thisPage: 'Esta página',
	moreQuestions: 'Han aparecido más preguntas a partir de sus respuestas. Revíselas, por favor.',
	draftRestored:
		'Hemos recuperado respuestas que aún no había enviado. Se guardarán cuando pulse «{button}».',
	unsaved: 'Sus respuestas en esta página aún no se han guardado.',
	savedAt: 'Sus respuestas se guardaron a las {time}.',
	questionCount: { one: '{count} pregunta.', other: '{count} preguntas.' },
	openUntil: 'Abierta hasta el {date}.',
	anonymous: 'Sus respuestas son anónimas.',
	savedPerPage:
		'Sus respuestas se guardan página a página, así que puede parar y continuar más tarde.',
	recorded: 'Sus respuestas han quedado registradas. Ya puede cerrar esta página.',
	thankYouDefault: 'Gracias por sus respuestas.',
	answerRecorded:
		'Su respuesta ha quedado registrada. Puede cambiarla a continuación mientras la encuesta siga abierta.',
	titleClosed: 'Encuesta cerrada',
	titleLink: 'Enlace de la encuesta',
	closedHeading: 'Esta encuesta está cerrada',
	closedBody: 'Gracias por su interés. Esta encuesta ya no admite respuestas.',
	limitedHeading: 'Espere un momento, por favor',
	limitedBody: {
		one: 'Se han producido demasiados intentos desde su red. Vuelva a intentarlo dentro de {count} minuto.',
		other:
			'Se han producido demasiados intentos desde su red. Vuelva a intentarlo dentro de {count} minutos.'
	},
	invalidHeading: 'Este enlace no es válido',
	invalidBody:
		'Es posible que el enlace de la encuesta esté incompleto o ya no esté en uso. Vuelva a abrir el enlace del correo electrónico que recibió o copie la dirección completa en su navegador.',
	tooManyAnswers: 'Han llegado demasiadas respuestas desde su red. Vuelva a intentarlo más tarde.',
	formUnreadable: 'No se ha podido leer el formulario. Inténtelo de nuevo.',
	formTooLarge: 'El formulario es demasiado grande.',
	valueTooLarge: 'El formulario contiene un valor demasiado largo.',
	noSuchPage: 'Esta página no existe en la encuesta.',
	notOnPage: 'El formulario contiene respuestas a preguntas que no están en esta página.',
	reloadPage: 'Vuelva a cargar la página e inténtelo de nuevo.',
	other: 'Otro',
	otherPleaseSay: 'Otro (especifique)',
	picksAtLeast: 'Elija al menos {min}.',
	picksAtMost: 'Elija como máximo {max}.',
	picksBetween: 'Elija al menos {min} y como máximo {max}.',
	rankHint: 'Asigne un puesto a cada opción, empezando por la mejor.',
	rankFirst: 'Primer puesto',
	rankSecond: 'Segundo puesto',
	rankThird: 'Tercer puesto',
	rankPlace: 'Puesto {n}',
	choose: 'Elegir…',
	ratingLow: '{n} = valoración más baja',
	ratingHigh: '{n} = valoración más alta',
	yes: 'Sí',
	no: 'No',
	npsLow: 'Nada probable',
	npsHigh: 'Muy probable',
	pleaseAnswer: 'Responda a esta pregunta, por favor.',
	likertPoint: 'Elija uno de los {points} puntos de la escala.',
	ratingRange: 'Elija una valoración del 1 al {max}.',
	npsRange: 'Elija un número del 0 al 10.',
	matrixPoint: 'Elija uno de los {points} puntos para cada afirmación.',
	matrixShape: 'Esta respuesta no corresponde a las afirmaciones de la pregunta.',
	matrixMissing: 'Valore todas las afirmaciones (faltan: {items}).',
	chooseOne: 'Elija una de las opciones.',
	chooseFrom: 'Elija entre las opciones.',
	chooseOnce: 'Cada opción solo se puede elegir una vez.',
	minPicks: { one: 'Elija al menos {count} opción.', other: 'Elija al menos {count} opciones.' },
	maxPicks: {
		one: 'Elija como máximo {count} opción.',
		other: 'Elija como máximo {count} opciones.'
	},
	yesNo: 'Responda sí o no.',
	rank: 'Ordene las opciones.',
	rankEvery: 'Asigne a cada opción un puesto en la clasificación.',
	rankShown: 'Ordene solo las opciones mostradas.',
	rankOnce: 'Cada opción solo puede ocupar un puesto.',
	number: 'Introduzca un número.',
	wholeNumber: 'Introduzca un número entero.',
	numberRange: 'Introduzca un número entre {min} y {max}.',
	numberMin: 'Introduzca al menos {min}.',
	numberMax: 'Introduzca como máximo {max}.',
	text: 'Introduzca un texto.',
	textMax: {
		one: 'Use como máximo {count} carácter.',
		other: 'Use como máximo {count} caracteres.'
	},
	unknownQuestions: 'Este formulario contiene respuestas a preguntas desconocidas.',
	otherMissing: 'Indique a qué se refiere con «Otro».'
};

const nl: Catalogue = {
	start: 'Start de enquête',
	next: 'Volgende',
	back: 'Vorige',
	submit: 'Versturen',
	sendAnswer: 'Mijn antwoord versturen',
	progress: 'Pagina {page} van {pages}',
	required: '(verplicht)',
	errorSummary: 'Controleer uw antwoorden',
	thisPage: 'Deze pagina',
	moreQuestions: 'Door uw antwoorden zijn er meer vragen verschenen. Bekijkt u deze even?',
	draftRestored:
		'We hebben antwoorden hersteld die u nog niet had verstuurd. Ze worden opgeslagen zodra u op ‘{button}’ drukt.',
	unsaved: 'Uw antwoorden op deze pagina zijn nog niet opgeslagen.',
	savedAt: 'Uw antwoorden zijn om {time} opgeslagen.',
	questionCount: { one: '{count} vraag.', other: '{count} vragen.' },
	openUntil: 'Open tot {date}.',
	anonymous: 'Uw antwoorden zijn anoniem.',
	savedPerPage:
		'Uw antwoorden worden per pagina opgeslagen, dus u kunt stoppen en later verdergaan.',
	recorded: 'Uw antwoorden zijn vastgelegd. U kunt deze pagina sluiten.',
	thankYouDefault: 'Hartelijk dank voor uw antwoorden.',
	answerRecorded:
		'Uw antwoord is vastgelegd. Zolang de enquête openstaat, kunt u het hieronder nog wijzigen.',
	titleClosed: 'Enquête gesloten',
	titleLink: 'Enquêtelink',
	closedHeading: 'Deze enquête is gesloten',
	closedBody: 'Bedankt voor uw interesse. Voor deze enquête worden geen antwoorden meer verzameld.',
	limitedHeading: 'Een ogenblik geduld',
	limitedBody: {
		one: 'Er kwamen te veel pogingen vanaf uw netwerk. Probeer het over {count} minuut opnieuw.',
		other: 'Er kwamen te veel pogingen vanaf uw netwerk. Probeer het over {count} minuten opnieuw.'
	},
	invalidHeading: 'Deze link is niet geldig',
	invalidBody:
		'De enquêtelink is mogelijk onvolledig of niet meer in gebruik. Open de link uit de ontvangen e-mail opnieuw of kopieer het volledige adres naar uw browser.',
	tooManyAnswers: 'Er kwamen te veel antwoorden vanaf uw netwerk. Probeer het later opnieuw.',
	formUnreadable: 'Het formulier kon niet worden gelezen. Probeer het opnieuw.',
	formTooLarge: 'Het formulier is te groot.',
	valueTooLarge: 'Het formulier bevat een waarde die te lang is.',
	noSuchPage: 'Deze pagina bestaat niet in de enquête.',
	notOnPage: 'Het formulier bevat antwoorden op vragen die niet op deze pagina staan.',
	reloadPage: 'Laad de pagina opnieuw en probeer het nog eens.',
	other: 'Anders',
	otherPleaseSay: 'Anders, namelijk',
	picksAtLeast: 'Kies er minstens {min}.',
	picksAtMost: 'Kies er hoogstens {max}.',
	picksBetween: 'Kies er minstens {min} en hoogstens {max}.',
	rankHint: 'Geef elke optie een plaats, de beste eerst.',
	rankFirst: 'Eerste plaats',
	rankSecond: 'Tweede plaats',
	rankThird: 'Derde plaats',
	rankPlace: 'Plaats {n}',
	choose: 'Kies…',
	ratingLow: '{n} = laagste beoordeling',
	ratingHigh: '{n} = hoogste beoordeling',
	yes: 'Ja',
	no: 'Nee',
	npsLow: 'Zeer onwaarschijnlijk',
	npsHigh: 'Zeer waarschijnlijk',
	pleaseAnswer: 'Beantwoord deze vraag.',
	likertPoint: 'Kies een van de {points} punten van de schaal.',
	ratingRange: 'Kies een beoordeling van 1 tot en met {max}.',
	npsRange: 'Kies een getal van 0 tot en met 10.',
	matrixPoint: 'Kies voor elke stelling een van de {points} punten.',
	matrixShape: 'Dit antwoord past niet bij de stellingen van de vraag.',
	matrixMissing: 'Beoordeel elke stelling (ontbreekt: {items}).',
	chooseOne: 'Kies een van de opties.',
	chooseFrom: 'Kies uit de opties.',
	chooseOnce: 'Elke optie kan maar één keer worden gekozen.',
	minPicks: { one: 'Kies minstens {count} optie.', other: 'Kies minstens {count} opties.' },
	maxPicks: { one: 'Kies hoogstens {count} optie.', other: 'Kies hoogstens {count} opties.' },
	yesNo: 'Antwoord met ja of nee.',
	rank: 'Zet de opties in volgorde.',
	rankEvery: 'Geef elke optie een plaats in de rangschikking.',
	rankShown: 'Rangschik alleen de getoonde opties.',
	rankOnce: 'Elke optie kan maar één plaats hebben.',
	number: 'Voer een getal in.',
	wholeNumber: 'Voer een geheel getal in.',
	numberRange: 'Voer een getal van {min} tot en met {max} in.',
	numberMin: 'Voer minstens {min} in.',
	numberMax: 'Voer hoogstens {max} in.',
	text: 'Voer tekst in.',
	textMax: { one: 'Gebruik hoogstens {count} teken.', other: 'Gebruik hoogstens {count} tekens.' },
	unknownQuestions: 'Dit formulier bevat antwoorden op onbekende vragen.',
	otherMissing: 'Geef aan wat u met ‘Anders’ bedoelt.'
};

export const CATALOGUES: Record<RespondentLanguage, Catalogue> = { en, de, fr, es, nl };

/** The catalogue language for a language code: de-CH → de, unknown or empty → en. */
export function resolveLanguage(code: string | null | undefined): RespondentLanguage {
	const base = (code ?? '').trim().toLowerCase().split(/[-_]/)[0];
	return (RESPONDENT_LANGUAGES as readonly string[]).includes(base)
		? (base as RespondentLanguage)
		: 'en';
}

/** The best catalogue language for an Accept-Language header (by q-value, then order). */
export function negotiateLanguage(header: string | null | undefined): RespondentLanguage {
	const wanted = (header ?? '')
		.slice(0, 500)
		.split(',')
		.map((part, i) => {
			const [tag, ...params] = part.trim().split(';');
			const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
			return { tag: tag.trim(), q: q ? Number(q[1]) : 1, i };
		})
		.filter((w) => w.tag && w.tag !== '*' && w.q > 0)
		.sort((a, b) => b.q - a.q || a.i - b.i);
	for (const w of wanted) {
		const base = w.tag.toLowerCase().split(/[-_]/)[0];
		if ((RESPONDENT_LANGUAGES as readonly string[]).includes(base))
			return base as RespondentLanguage;
	}
	return 'en';
}

/** The {placeholders} of a message, as a union of names. */
type Holes<S> = S extends `${string}{${infer P}}${infer R}` ? P | Holes<R> : never;
type MessageText<M> = M extends string
	? M
	: M extends { one: infer O; other: infer X }
		? O | X
		: never;
type HolesOf<K extends MessageKey> = Holes<MessageText<(typeof en)[K]>>;
/** The values a message needs (none for a plain text). */
export type ParamsOf<K extends MessageKey> = [HolesOf<K>] extends [never]
	? []
	: [params: Record<HolesOf<K>, string | number>];

/** Translates a key; numbers are formatted for `numberLocale` (default: the language). */
export interface Translator {
	readonly language: RespondentLanguage;
	<K extends MessageKey>(key: K, ...params: ParamsOf<K>): string;
}

/** The placeholder names of a message text (for tests and checks). */
export function placeholders(message: Message): string[] {
	const texts = typeof message === 'string' ? [message] : [message.one, message.other];
	const names = new Set<string>();
	for (const t of texts) for (const m of t.matchAll(/\{(\w+)\}/g)) names.add(m[1]);
	return [...names].sort();
}

const cache = new Map<string, Translator>();

/** A translator for a survey language (any code; falls back to English). */
export function translator(language: string | null | undefined, numberLocale?: string): Translator {
	const lang = resolveLanguage(language);
	const cacheKey = `${lang}|${numberLocale ?? ''}`;
	const hit = cache.get(cacheKey);
	if (hit) return hit;
	let locale: string = lang;
	try {
		if (numberLocale) locale = Intl.getCanonicalLocales(numberLocale)[0] ?? lang;
	} catch {
		// an invalid locale: the language's own number format
	}
	const numbers = new Intl.NumberFormat(locale, {
		maximumFractionDigits: 20,
		useGrouping: false
	});
	const plural = new Intl.PluralRules(lang);
	const catalogue = CATALOGUES[lang];
	const t = ((key: MessageKey, params?: Record<string, string | number>) => {
		const m = catalogue[key] ?? en[key];
		const text =
			typeof m === 'string'
				? m
				: plural.select(Number(params?.count ?? 0)) === 'one'
					? m.one
					: m.other;
		if (!params) return text;
		return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
			const v = params[name];
			if (v === undefined) return whole;
			return typeof v === 'number' ? numbers.format(v) : v;
		});
	}) as Translator;
	Object.defineProperty(t, 'language', { value: lang });
	if (cache.size > 200) cache.clear();
	cache.set(cacheKey, t);
	return t;
}

/**
 * A text of the survey definition that may still be its English default (thank-you message,
 * yes/no labels, NPS ends): shown in the survey's language when left unchanged.
 */
export function orDefault(
	t: Translator,
	value: string,
	key: 'thankYouDefault' | 'yes' | 'no' | 'npsLow' | 'npsHigh'
): string {
	return value === en[key] ? t(key) : value;
}
