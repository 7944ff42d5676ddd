"""Texts of the demo cases: narratives, perpetrators, notes, closure reasons, and the
goals, deliveries and extensions of service plans.

They are generic and made up, and name no one. Most are in Russian; goals, in the
person's own words, are in Kazakh too. `{а|}` marks a word ending that agrees with the
person's sex: the feminine form first, the masculine second.
"""

import random
import re

_AGREEMENT = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")


def agreeing(text: str, sex: str) -> str:
    """Resolve the {feminine|masculine} endings; unknown sex takes the masculine."""
    index = 1 if sex == "female" else 2
    return _AGREEMENT.sub(lambda match: match.group(index), text)


# Forms of domestic violence (Law No. 214-IV) and what the person reported.
VIOLENCE_ACTS = {
    "physical": [
        "в ходе ссоры нанёс побои, на лице и руках видны гематомы",
        "толкнул, ударил о стену, угрожал ножом",
        "систематически избивает, последний раз — в присутствии детей",
        "схватил за горло и не выпускал из квартиры",
    ],
    "psychological": [
        "постоянно оскорбляет и унижает, в том числе при детях",
        "угрожает расправой, если заявитель{ница|} обратится в полицию",
        "контролирует телефон, запрещает общаться с родственниками и подругами",
        "угрожает отобрать детей и выгнать из дома",
    ],
    "economic": [
        "отбирает заработную плату и детские пособия",
        "запрещает работать, не даёт денег на продукты и лекарства",
        "забрал документы и банковскую карту",
    ],
    "sexual": [
        "принуждал к половой связи против воли",
        "совершал действия сексуального характера вопреки отказу",
    ],
}

DV_OPENINGS = [
    "Со слов заявител{ьницы|я}, ",
    "По сообщению участкового инспектора, ",
    "При первичной беседе заявитель{ница|} сообщил{а|}, что ",
    "Обратил{ась|ся} по телефону 111; со слов заявител{ьницы|я}, ",
]

DV_ENDINGS = [
    " Вызван наряд полиции, выдано защитное предписание.",
    " Заявитель{ница|} отказал{ась|ся} от подачи заявления в полицию.",
    " Направлен{а|} на судебно-медицинскую экспертизу.",
    " Размещен{а|} в кризисном центре вместе с детьми.",
    " Ранее неоднократно обращал{ась|ся} в полицию по аналогичным фактам.",
    "",
]

CRUEL_ACTS = [
    "родственники лишают пищи и запирают в комнате",
    "опекун применяет физические наказания",
    "выгнали из дома, ночевал{а|} на улице",
    "знакомые удерживают пенсию и документы",
    "в семье систематически оставляют без присмотра и ухода",
]

# Human trafficking: recruitment, transport and exploitation, with HTCDS types in mind.
RECRUITMENT = [
    "Увидел{а|} объявление в социальной сети о работе с высокой оплатой и бесплатным жильём.",
    "Знакомый предложил работу на сезон, обещал оформить все документы.",
    "Через посредника на рынке получил{а|} предложение работы в другом городе.",
    "Родственник предложил поехать на заработки, расходы на дорогу обещали вычесть из зарплаты.",
]

EXPLOITATION = {
    "ForcedLabour": [
        "По прибытии работал{а|} на стройке по 14 часов без выходных, заработную плату не "
        "выплачивали.",
        "Работал{а|} на ферме, жил{а|} в вагончике без отопления, покидать территорию запрещали.",
        "Работал{а|} в цехе, работодатель удерживал «долг» за проезд и питание.",
    ],
    "SexualExploitation": [
        "По прибытии принуждали к оказанию сексуальных услуг, угрожали расправой над "
        "родственниками.",
        "Под видом работы официанткой в кафе принуждали к сексуальной эксплуатации.",
    ],
    "Servitude": [
        "Выполнял{а|} работу по дому у работодателя, не имел{а|} права выходить из дома.",
    ],
    "ForcedBegging": [
        "Принуждали просить милостыню, всю выручку забирали.",
    ],
    "ForcedMarriage": [
        "Была принуждена к вступлению в брак, удерживалась в доме семьи мужа.",
    ],
    "ChildLabour": [
        "Несовершеннолетн{яя|ий} работал{а|} на рынке и в подсобном хозяйстве без оплаты.",
    ],
    "Other": [
        "Использовал{ась|ся} для перевозки чужих грузов под угрозой насилия.",
    ],
}

CONTROL = [
    " Паспорт забрал работодатель «на хранение».",
    " Телефон отобрали, связь с семьёй не давали.",
    " Угрожали сообщить в миграционную службу.",
    " Сбежал{а|} и обратил{ась|ся} в полицию.",
    " Выявлен{а|} в ходе проверки полиции.",
    " Обратил{ась|ся} на горячую линию, после чего была организована эвакуация.",
]

# (for a woman, for a man); {age} is the perpetrator's age with its word: "34 года".
PERPETRATORS = {
    "spouse": ("Муж, {age}, злоупотребляет алкоголем.", "Жена, {age}."),
    "former_spouse": (
        "Бывший муж, {age}, проживают раздельно.",
        "Бывшая жена, {age}.",
    ),
    "parent": ("Отец, {age}.", "Отчим, {age}."),
    "child": ("Сын, {age}, нигде не работает.", "Сын, {age}, нигде не работает."),
    "sibling": ("Брат, {age}.", "Брат, {age}."),
    "other_relative": ("Дядя, {age}.", "Дядя, {age}."),
    "in_law": ("Свекровь, {age}, и брат мужа.", "Тесть, {age}."),
    "acquaintance": ("Знакомый, {age}.", "Знакомый, {age}."),
    "employer": (
        "Работодатель, на вид {age}, и посредник.",
        "Работодатель, на вид {age}, и его помощник.",
    ),
    "stranger": ("Неизвестный мужчина, на вид {age}.", "Неизвестный, на вид {age}."),
    "unknown": ("Сведения не установлены.", "Сведения не установлены."),
}

# Who did it, as the narrative names them: (for a woman, for a man).
RELATION_WORDS = {
    "spouse": ("муж", "жена"),
    "former_spouse": ("бывший муж", "бывшая жена"),
    "parent": ("отец", "отчим"),
    "child": ("сын", "сын"),
    "sibling": ("брат", "брат"),
    "other_relative": ("дядя", "дядя"),
    "in_law": ("свекровь", "тесть"),
    "acquaintance": ("знакомый", "знакомый"),
    "employer": ("работодатель", "работодатель"),
    "stranger": ("неизвестный", "неизвестный"),
}

NOTES = [
    "Проведена первичная беседа, составлена оценка потребностей.",
    "Оказана консультация психолога (1 час).",
    "Проведена повторная консультация психолога, состояние стабильное.",
    "Оказана консультация юриста по вопросам раздела имущества и алиментов.",
    "Подготовлены документы для восстановления удостоверения личности.",
    "Сопровождение в поликлинику, получена консультация врача.",
    "Клиент{ка|} размещен{а|} в стационарном отделении.",
    "Совместно с юристом подготовлено исковое заявление.",
    "Связались с инспектором по защите женщин от насилия, информация передана.",
    "Ребёнок зачислен в школу по месту временного пребывания.",
    "Оказано содействие в поиске работы, направлен{а|} на собеседование.",
    "Клиент{ка|} отказал{ась|ся} от размещения, продолжает получать консультации.",
    "Повторная оценка риска: риск снизился.",
    "Телефонный звонок: клиент{ка|} сообщил{а|}, что чувствует себя в безопасности.",
    "Выдан продуктовый набор и средства гигиены.",
]

TRAFFICKING_NOTES = [
    "Срок оказания услуг продлён до 9 месяцев на время уголовного процесса.",
    "Сопровождение на допрос к следователю.",
    "Связались с консульством для оформления документа на возвращение.",
    "Подано ходатайство о выдаче разрешения на временное проживание.",
]

# Each reason with the outcome it records (cases.ClosureOutcome values).
CLOSURE_REASONS = [
    ("services_completed", "Цели индивидуального плана помощи достигнуты."),
    ("services_completed", "Истёк срок оказания специальных социальных услуг."),
    ("declined", "Отказал{ась|ся} от дальнейших услуг по собственному желанию."),
    ("moved_away", "Переехал{а|} в другую область, связь утрачена."),
    ("services_completed", "Трудоустроен{а|}, обеспечен{а|} жильём, в услугах не нуждается."),
]

FOREIGN_CLOSURE_REASON = (
    "moved_away",
    "Добровольное возвращение в страну гражданства при содействии консульства.",
)

REFERRAL_CLOSURE_REASONS = [
    "Передан{а|} для дальнейшего сопровождения в управление занятости и социальных программ.",
    "Направлен{а|} в кризисный центр по месту жительства.",
    "Передан{а|} в организацию, оказывающую услуги по месту фактического проживания.",
]

NOT_ELIGIBLE_CLOSURE_REASONS = [
    "Оснований для оказания специальных социальных услуг не установлено; разъяснены иные "
    "виды помощи.",
    "По результатам оценки в специальных социальных услугах не нуждается.",
    "Признаки торговли людьми не подтвердились; направлен{а|} за консультацией в центр занятости.",
]

# Goals of a service plan, as the person put them: by the grounds of the case, and for
# children and older people (see goal_group).
GOALS_RU = {
    "domestic_violence": [
        "Хочу, чтобы он больше не мог ко мне приближаться.",
        "Хочу жить отдельно и чтобы дети были в безопасности.",
        "Найти работу и снять своё жильё.",
        "Подать на развод и на алименты.",
        "Чтобы дети снова ходили в школу и в садик.",
        "Перестать бояться и спокойно спать по ночам.",
        "Восстановить документы, которые он забрал.",
        "Научиться сам{а|} распоряжаться своими деньгами.",
        "Вернуться к родителям в село, там меня примут.",
    ],
    "trafficking": [
        "Получить новый паспорт и вернуться домой.",
        "Чтобы мне заплатили деньги, которые я заработал{а|}.",
        "Дать показания, но так, чтобы меня не нашли.",
        "Вылечиться и найти нормальную работу.",
        "Связаться с семьёй, сказать, что я жив{а|}.",
        "Выучиться на повара и работать официально.",
        "Закрыть долги, которые на меня оформили.",
    ],
    "cruel_treatment": [
        "Жить там, где меня не обижают.",
        "Чтобы родственники вернули мои документы.",
        "Найти работу и жильё.",
    ],
    "minor": [
        "Вернуться в школу и к друзьям.",
        "Жить там, где меня не бьют.",
        "Чтобы мама забрала меня к себе.",
        "Закончить девятый класс.",
    ],
    "elderly": [
        "Получать свою пенсию сам{а|}.",
        "Чтобы за мной был нормальный уход.",
        "Чтобы дети не выгоняли меня из моего дома.",
    ],
}
GOALS_KK = {
    "domestic_violence": [
        "Балаларыммен бірге қауіпсіз жерде тұрғым келеді.",
        "Жұмыс тауып, жеке пәтер жалдағым келеді.",
        "Ажырасып, алимент алғым келеді.",
        "Қорықпай, тыныш өмір сүргім келеді.",
        "Ол алып кеткен құжаттарымды қалпына келтіргім келеді.",
    ],
    "trafficking": [
        "Жаңа төлқұжат алып, үйге қайтқым келеді.",
        "Еңбекақымды толық алғым келеді.",
        "Емделіп, ресми жұмысқа тұрғым келеді.",
        "Отбасыммен хабарласқым келеді.",
    ],
    "cruel_treatment": [
        "Мені ренжітпейтін жерде тұрғым келеді.",
        "Жұмыс пен баспана тапқым келеді.",
    ],
    "minor": [
        "Мектепке қайта барғым келеді.",
        "Мені ұрмайтын жерде тұрғым келеді.",
    ],
    "elderly": [
        "Зейнетақымды өзім алғым келеді.",
        "Маған дұрыс күтім керек.",
    ],
}


def goal_group(grounds: str, age: int) -> str:
    if age < 18:
        return "minor"
    if age >= 60 and grounds != "trafficking":
        return "elderly"
    return grounds


# What a worker writes on a delivery, by concrete service (services.Service codes).
DELIVERY_NOTES = {
    "accommodation": [
        "Размещен{а|} в отдельной комнате, выданы постельные принадлежности.",
        "Заселен{а|} вместе с детьми.",
    ],
    "crisis_support": [
        "Первичная кризисная консультация, состояние тревожное.",
        "Консультация психолога, состояние стабилизируется.",
        "Проведено занятие по снижению тревоги, следующая встреча через неделю.",
    ],
    "legal_consultation": [
        "Разъяснены права потерпевше{й|го} и порядок обращения в суд.",
        "Консультация по вопросам алиментов и раздела имущества.",
        "Подготовлено заявление в полицию.",
    ],
    "first_medical_aid": [
        "Осмотр фельдшера, выдано направление в поликлинику.",
        "Сопровождение в травмпункт.",
    ],
    "continued_education": [
        "Подобраны курсы, подано заявление на обучение.",
        "Консультация по восстановлению в колледже.",
    ],
    "vocational_guidance": [
        "Профориентационная беседа, направлен{а|} в центр занятости.",
    ],
    "leisure_activities": [
        "Участвовал{а|} в групповой экскурсии.",
    ],
    "benefits_application": [
        "Подано заявление на адресную социальную помощь.",
        "Оформлено пособие на детей.",
    ],
    "interpreting": [
        "Переводчик присутствовал на допросе у следователя.",
        "Перевод на консультации врача.",
    ],
    "residence_permit": [
        "Подано ходатайство о разрешении на временное проживание.",
        "Получена справка из миграционной службы.",
    ],
}
DELIVERY_NOTES_OTHER = [
    "Услуга оказана в полном объёме.",
    "Клиент{ка|} приш{ла|ёл} с опозданием, консультация сокращена.",
    "Выданы продуктовый набор и средства гигиены.",
]

EXTENSION_NOTES = {
    "criminal_proceedings": [
        "Идёт досудебное расследование по уголовному делу, клиент{ка|} признан{а|} "
        "потерпевш{ей|им}.",
        "Уголовное дело направлено в суд, участие в судебных заседаниях.",
    ],
    "hospitalisation": [
        "Госпитализирован{а|}, лечение продлится несколько недель.",
        "Находится на стационарном лечении по направлению врача.",
    ],
}

# Why a plan closes (plans.PlanOutcome values).
PLAN_CLOSURE_REASONS = {
    "goals_achieved": [
        "Цели плана достигнуты: работает и живёт отдельно.",
        "Все цели, согласованные с клиент{кой|ом}, достигнуты.",
    ],
    "services_completed": [
        "Услуги по плану оказаны в полном объёме.",
        "Срок услуг по стандарту истёк, услуги оказаны.",
    ],
    "declined": ["Клиент{ка|} письменно отказал{ась|ся} от дальнейших услуг."],
    "moved_or_lost_contact": [
        "Переехал{а|}, связь утрачена.",
        "Вернул{ась|ся} в страну гражданства.",
    ],
    "transferred": ["Передан{а|} на сопровождение в организацию по месту жительства."],
    "died": ["Клиент{ка|} умер{ла|}."],
    "other": ["План закрыт по иным основаниям, см. записи дела."],
}


def _offender(relationship: str, sex: str) -> str:
    # "Обидчик" is masculine whoever it is, so the verbs after it agree with it.
    words = RELATION_WORDS.get(relationship)
    if words is None:
        return "обидчик"
    return f"обидчик ({words[0] if sex == 'female' else words[1]})"


def dv_narrative(rng: random.Random, forms: list[str], relationship: str, sex: str) -> str:
    acts = [rng.choice(VIOLENCE_ACTS[form]) for form in forms]
    text = (
        rng.choice(DV_OPENINGS)
        + _offender(relationship, sex)
        + " "
        + ", ".join(acts)
        + "."
        + rng.choice(DV_ENDINGS)
    )
    return agreeing(text, sex)


def cruel_treatment_narrative(rng: random.Random, sex: str) -> str:
    text = rng.choice(DV_OPENINGS) + rng.choice(CRUEL_ACTS) + "." + rng.choice(DV_ENDINGS)
    return agreeing(text, sex)


def trafficking_narrative(rng: random.Random, types: list[str], sex: str) -> str:
    parts = [rng.choice(RECRUITMENT)]
    parts += [rng.choice(EXPLOITATION[kind]) for kind in types]
    text = " ".join(parts) + rng.choice(CONTROL)
    return agreeing(text, sex)


# The perpetrator's age as years added to the victim's, for relatives of a known generation.
_AGE_GAPS = {
    "spouse": (-4, 10),
    "former_spouse": (-4, 10),
    "parent": (20, 35),
    "child": (-38, -20),
    "sibling": (-8, 8),
}


def perpetrator(rng: random.Random, relationship: str, victim_sex: str, victim_age: int) -> str:
    for_woman, for_man = PERPETRATORS[relationship]
    text = for_woman if victim_sex == "female" else for_man
    if relationship in _AGE_GAPS:
        low, high = _AGE_GAPS[relationship]
        age = max(16, victim_age + rng.randint(low, high))
    else:
        age = rng.randint(20, 60)
    return text.format(age=_years(age))


def _years(count: int) -> str:
    if count % 10 == 1 and count % 100 != 11:
        word = "год"
    elif count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        word = "года"
    else:
        word = "лет"
    return f"{count} {word}"


def note(rng: random.Random, sex: str, trafficking: bool) -> str:
    pool = NOTES + TRAFFICKING_NOTES if trafficking else NOTES
    return agreeing(rng.choice(pool), sex)


def closure(rng: random.Random, sex: str, *, referred: bool, foreign: bool) -> tuple[str, str]:
    """The outcome (a cases.ClosureOutcome value) and the reason in words of a closure."""
    if referred:
        return "referred", agreeing(rng.choice(REFERRAL_CLOSURE_REASONS), sex)
    if foreign and rng.random() < 0.5:
        return FOREIGN_CLOSURE_REASON
    outcome, reason = rng.choice(CLOSURE_REASONS)
    return outcome, agreeing(reason, sex)


def not_eligible_reason(rng: random.Random, sex: str) -> str:
    return agreeing(rng.choice(NOT_ELIGIBLE_CLOSURE_REASONS), sex)


def goal(rng: random.Random, group: str, sex: str, *, kazakh: bool) -> str:
    """A goal in the person's words; `group` as goal_group gives it."""
    return agreeing(rng.choice((GOALS_KK if kazakh else GOALS_RU)[group]), sex)


def delivery_note(rng: random.Random, service: str, sex: str) -> str:
    return agreeing(rng.choice(DELIVERY_NOTES.get(service, DELIVERY_NOTES_OTHER)), sex)


def extension_note(rng: random.Random, reason: str, sex: str) -> str:
    notes = EXTENSION_NOTES.get(reason)
    return agreeing(rng.choice(notes), sex) if notes else ""


def plan_closure_reason(rng: random.Random, outcome: str, sex: str) -> str:
    return agreeing(rng.choice(PLAN_CLOSURE_REASONS[outcome]), sex)
