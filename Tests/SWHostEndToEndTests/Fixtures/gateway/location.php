<?php
header('Location: /x');
